<#
.SYNOPSIS
    Builds, tests, documents and demonstrates OpenIm.PowerShell.

.DESCRIPTION
    Run it with the pinned PowerShell local tool from the repository root:

        dotnet tool restore
        dotnet pwsh ./build.ps1 <Task>

    Tasks:
      Build  Publishes the importable module to out/OpenIm, with its help (MAML and about topic)
             built from docs/.
      Docs   Rebuilds the help into out/OpenIm/en-US, and docs/reliability.md from the last test run.
      Test   Builds, restores Pester, starts the lab once, runs every Pester file in a fresh pwsh,
             stops the lab, and ends with one line 'N passed, N failed, N skipped'.
             -Tag Unit runs only the Unit tests, without the lab.
      Lab    Starts the local registry lab and prints its endpoints; -Stop stops it.
      Demo   Walks the main job against the lab (starts and stops it). -Online runs the read-only
             part against the real registries instead, without the lab.
      Bench  Runs the benchmarks against the lab, side by side with skopeo and the docker CLI, and
             rewrites docs/benchmarks.md.
      Clean  Stops a lab left running and removes out/ and the build folders.

.EXAMPLE
    dotnet pwsh ./build.ps1 Test -Tag Unit
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Docs', 'Lab', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    # Pester tags to run (Test). Default: every test.
    [string[]] $Tag,

    # Pester tags to leave out (Test).
    [string[]] $ExcludeTag,

    # Stops the lab (Lab).
    [switch] $Stop,

    # Runs the read-only part of the demo against the real registries (Demo).
    [switch] $Online,

    # Build configuration.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'OpenIm'
$Project = Join-Path $Root 'src/OpenIm.PowerShell/OpenIm.PowerShell.csproj'
$PesterVersion = '5.7.1'

function Write-Step([string] $Message) {
    Write-Host "==> $Message"
}

function Invoke-Native {
    # Runs a native command and fails the build on a non-zero exit code.
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "'$File $($Arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $Root 'OpenIm.psd1')).ModuleVersion
}

function Invoke-Build {
    $version = Get-ModuleVersion
    Write-Step "Building OpenIm $version ($Configuration)"
    if (Test-Path $ModuleOut) {
        Remove-Item $ModuleOut -Recurse -Force
    }

    Invoke-Native dotnet @(
        'publish', $Project, '-c', $Configuration, '-o', $ModuleOut, '-nologo', '-v', 'quiet',
        "-p:Version=$version", '-p:GenerateDocumentationFile=false')

    Copy-Item (Join-Path $Root 'OpenIm.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'src/OpenIm.PowerShell/OpenIm.Format.ps1xml') $ModuleOut
    Get-ChildItem $ModuleOut -Filter '*.pdb' | Remove-Item -Force
    Get-ChildItem $ModuleOut -Filter '*.deps.json' | Remove-Item -Force
    Build-Help
    Assert-ExportedCmdlets
    Write-Step "Module ready: $ModuleOut"
}

function Assert-ExportedCmdlets {
    # The manifest must export exactly the cmdlets the dll defines. A child process does the check
    # because a binary module loaded here could not be rebuilt or reloaded by this session.
    $dll = (Join-Path $ModuleOut 'OpenIm.PowerShell.dll').Replace("'", "''")
    $script = "(Import-Module '$dll' -PassThru -ErrorAction Stop).ExportedCmdlets.Keys | Sort-Object"
    $inDll = @(& dotnet pwsh -NoProfile -NonInteractive -Command $script)
    if ($LASTEXITCODE -ne 0) {
        throw "Could not load the built module to list its cmdlets."
    }

    $inManifest = @((Import-PowerShellDataFile (Join-Path $Root 'OpenIm.psd1')).CmdletsToExport | Sort-Object)
    $difference = Compare-Object $inDll $inManifest
    if ($difference) {
        $missing = @($difference | Where-Object SideIndicator -EQ '<=' | ForEach-Object InputObject) -join ', '
        $extra = @($difference | Where-Object SideIndicator -EQ '=>' | ForEach-Object InputObject) -join ', '
        throw "OpenIm.psd1 CmdletsToExport differs from the dll. Missing: [$missing]. Not in the dll: [$extra]."
    }
}

function Build-Help {
    # platyPS is not served by the package registries this project can reach, so the converter of
    # tools/OpenImHelp.psm1 reads the same markdown schema and writes the same MAML.
    Import-Module (Join-Path $Root 'tools/OpenImHelp.psm1') -Force
    $helpOut = Join-Path $ModuleOut 'en-US'
    ConvertTo-OpenImMaml -DocsPath (Join-Path $Root 'docs') -OutputPath $helpOut | Out-Null
    Write-Step "Help built into $helpOut"
}

function Invoke-Docs {
    if (-not (Test-Path (Join-Path $ModuleOut 'OpenIm.PowerShell.dll'))) {
        Invoke-Build
    }
    else {
        Build-Help
    }

    $results = Join-Path $Out 'test-results.xml'
    if (Test-Path $results) {
        & (Join-Path $Root 'tools/ReliabilityReport.ps1') -ResultFile $results -OutputPath (Join-Path $Root 'docs/reliability.md')
        Write-Step 'docs/reliability.md rewritten from the last test run'
    }
    else {
        Write-Step 'No test results yet: run the Test task first to rewrite docs/reliability.md'
    }
}

function Invoke-Bench {
    Invoke-Build
    # The runner starts its own lab in out/benchlab (or takes -LabFile), copies the module so a rebuild
    # cannot change what is measured, and rewrites docs/benchmarks.md.
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'bench/Invoke-Benchmark.ps1')
    if ($LASTEXITCODE -ne 0) {
        throw "The benchmarks failed with exit code $LASTEXITCODE."
    }
}

function Get-PesterPath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $path = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) {
        Write-Step "Restoring Pester $PesterVersion through NuGet"
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/Tools.proj'), '-nologo', '-v', 'quiet')
    }

    if (-not (Test-Path $path)) {
        throw "Pester $PesterVersion was restored but is not at $path."
    }

    $path
}

function Test-NeedsLab {
    # The lab is needed unless the selected tags leave out every Lab test.
    if ($ExcludeTag -contains 'Lab') {
        return $false
    }

    return -not $Tag -or ($Tag -contains 'Lab')
}

function Invoke-Test {
    Invoke-Build
    $pester = Get-PesterPath
    $resultFile = Join-Path $Out 'test-summary.json'
    Remove-Item $resultFile -ErrorAction Ignore
    $labModule = Join-Path $Root 'tests/Lab/Lab.psm1'
    $needsLab = Test-NeedsLab
    $lab = $null
    $savedLab = $env:OPENIM_LAB
    $savedConfig = $env:OPENIM_CONFIG
    try {
        # Tests never read or write the user's own settings file.
        $env:OPENIM_CONFIG = Join-Path $Out 'test-settings/registries.json'
        if ($needsLab) {
            Import-Module $labModule -Force
            Assert-OpenImLabPrerequisite
            Write-Step 'Starting the lab'
            $lab = Start-OpenImLab
            $env:OPENIM_LAB = $lab.LabFile
        }

        Write-Step 'Running Pester in a fresh pwsh'
        $arguments = @(
            'pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/Invoke-TestRun.ps1'),
            '-PesterPath', $pester, '-ResultFile', $resultFile, '-OutputFolder', $Out)
        if ($Tag) { $arguments += @('-Tag', ($Tag -join ',')) }
        if ($ExcludeTag) { $arguments += @('-ExcludeTag', ($ExcludeTag -join ',')) }
        & dotnet @arguments
    }
    finally {
        if ($lab) {
            Write-Step 'Stopping the lab'
            Stop-OpenImLab | Out-Null
        }

        $env:OPENIM_LAB = $savedLab
        $env:OPENIM_CONFIG = $savedConfig
    }

    if (-not (Test-Path $resultFile)) {
        Write-Host '0 passed, 1 failed, 0 skipped'
        Write-Error 'The test run ended without a result: see the output above.' -ErrorAction Continue
        exit 1
    }

    $summary = Get-Content $resultFile -Raw | ConvertFrom-Json
    Write-Host "$($summary.Passed) passed, $($summary.Failed) failed, $($summary.Skipped) skipped"
    if ($summary.Failed -gt 0 -or $summary.Passed -eq 0) {
        exit 1
    }
}

function Invoke-Lab {
    Import-Module (Join-Path $Root 'tests/Lab/Lab.psm1') -Force
    if ($Stop) {
        Stop-OpenImLab
        return
    }

    Assert-OpenImLabPrerequisite
    $lab = Start-OpenImLab
    Write-Step "Lab running; description in $($lab.LabFile)"
    $lab.Registries | Format-Table Name, Uri, Namespace -AutoSize | Out-Host
    $lab.Engines | Format-Table Name, DockerHost -AutoSize | Out-Host
    Write-Host "Stop it with: dotnet pwsh ./build.ps1 Lab -Stop"
}

function Invoke-Demo {
    Invoke-Build
    $demo = Join-Path $Root 'tests/Lab/Demo.ps1'
    if ($Online) {
        & dotnet pwsh -NoProfile -NonInteractive -File $demo -Online
        if ($LASTEXITCODE -ne 0) {
            throw "The online demo failed with exit code $LASTEXITCODE."
        }

        return
    }

    Import-Module (Join-Path $Root 'tests/Lab/Lab.psm1') -Force
    Assert-OpenImLabPrerequisite
    $lab = Start-OpenImLab
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File $demo -LabFile $lab.LabFile
        if ($LASTEXITCODE -ne 0) {
            throw "The demo failed with exit code $LASTEXITCODE."
        }
    }
    finally {
        Stop-OpenImLab | Out-Null
    }
}

function Invoke-Clean {
    $labModule = Join-Path $Root 'tests/Lab/Lab.psm1'
    if (Test-Path (Join-Path $Out 'lab/lab.json')) {
        Import-Module $labModule -Force
        Stop-OpenImLab | Out-Null
    }

    foreach ($folder in @($Out) + (Get-ChildItem $Root -Recurse -Directory -Include 'bin', 'obj').FullName) {
        if ($folder -and (Test-Path $folder)) {
            Remove-Item $folder -Recurse -Force
        }
    }

    Write-Step 'Clean'
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Docs' { Invoke-Docs }
        'Bench' { Invoke-Bench }
        'Lab' { Invoke-Lab }
        'Demo' { Invoke-Demo }
        'Clean' { Invoke-Clean }
    }
}
finally {
    Pop-Location
}
