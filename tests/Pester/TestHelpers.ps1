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

function Use-OpenImLabRegistry {
    <#
    .SYNOPSIS
        Points the module at the running lab the way a user points it at mirrors: a fresh settings file
        in which each built-in registry is redirected to its stand-in, and an empty Docker config so the
        machine's own credentials play no part.
    #>
    param([Parameter(Mandatory)] [string] $Folder)

    Import-OpenImLabModule
    $lab = Get-OpenImLab
    New-Item -ItemType Directory -Force -Path $Folder, (Join-Path $Folder 'docker') | Out-Null
    $env:OPENIM_CONFIG = Join-Path $Folder 'registries.json'
    $env:DOCKER_CONFIG = Join-Path $Folder 'docker'
    foreach ($standIn in $lab.Registries) {
        Set-OpenImRegistry -Name $standIn.Name -Uri $standIn.Uri -Namespace $standIn.Namespace
    }

    $lab
}

function Clear-LabEngine([string] $DockerHost) {
    # Tests start from an engine without images, so outcomes do not depend on order. The ids are kept
    # an array: a single id splatted as a string would be passed one character at a time.
    $ids = @(& docker -H $DockerHost images -q 2>$null | Sort-Object -Unique)
    if ($ids.Count -gt 0) { & docker -H $DockerHost rmi -f @ids 2>&1 | Out-Null }
}

function Get-LabEngineImage([string] $DockerHost, [string] $Reference) {
    # The engine's own view of an image, through the docker CLI rather than the module under test.
    $json = & docker -H $DockerHost image inspect $Reference 2>$null
    if ($LASTEXITCODE -eq 0) { ($json | ConvertFrom-Json)[0] }
}
