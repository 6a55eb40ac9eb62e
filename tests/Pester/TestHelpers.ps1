# Shared setup for the Pester files: dot-source it in BeforeAll.
# The module under test is out/OpenIm unless OPENIM_MODULE_PATH names another
# psd1 or dll; the lab description comes from OPENIM_LAB (a lab.json path).

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:OPENIM_MODULE_PATH) {
    $env:OPENIM_MODULE_PATH
} else {
    Join-Path $script:RepoRoot 'out/OpenIm/OpenIm.psd1'
}

function Import-OpenImTestModule {
    Import-Module $script:ModulePath -Force -ErrorAction Stop
}

function Import-OpenImLabModule {
    Import-Module (Join-Path $script:RepoRoot 'tests/Lab/Lab.psm1') -Force -ErrorAction Stop
}
