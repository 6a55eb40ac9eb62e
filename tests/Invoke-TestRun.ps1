<#
.SYNOPSIS
    Runs the Pester suite in this (fresh) process and writes a summary for build.ps1.
.DESCRIPTION
    A binary module cannot be reloaded inside one process, so build.ps1 starts this script in a new
    pwsh. Files that fail to load and failing setup blocks count as failures: a test that never ran
    must not pass silently.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ResultFile,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [string] $Tag,
    [string] $ExcludeTag
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterPath -ErrorAction Stop

$configuration = New-PesterConfiguration
$configuration.Run.Path = Join-Path $PSScriptRoot 'Pester'
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $OutputFolder 'test-results.xml'
if ($Tag) { $configuration.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag -split ',' }

$result = Invoke-Pester -Configuration $configuration
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{
    Passed           = $result.PassedCount
    Failed           = $failed
    Skipped          = $result.SkippedCount
    FailedBlocks     = $result.FailedBlocksCount
    FailedContainers = $result.FailedContainersCount
} | ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8
