<#
.SYNOPSIS
    The main job of OpenIm.PowerShell, walked against the local lab.
.DESCRIPTION
    build.ps1 Demo starts the lab, runs this script in a fresh pwsh and stops the lab. The script
    points the module at the lab's stand-ins the way a user registers mirrors, in a settings file of
    its own, and then shows: registries, images, channel heads, a version search, manifests and
    mirror drift.
#>
param(
    [Parameter(Mandatory)] [string] $LabFile
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
Import-Module (Join-Path $root 'out/OpenIm/OpenIm.psd1')
$lab = Get-Content $LabFile -Raw | ConvertFrom-Json

function Show-Step([string] $Title, [string] $Command) {
    Write-Host ''
    Write-Host "== $Title" -ForegroundColor Cyan
    Write-Host "PS> $Command"
}

# The demo keeps its own settings and Docker config, so the user's are never touched.
$work = Join-Path ([IO.Path]::GetTempPath()) ("openim-demo-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Force -Path (Join-Path $work 'docker') | Out-Null
$env:OPENIM_CONFIG = Join-Path $work 'registries.json'
$env:DOCKER_CONFIG = Join-Path $work 'docker'
try {
    Show-Step 'Point the built-in registries at the lab mirrors' 'Set-OpenImRegistry Ghcr -Uri <lab> ...'
    foreach ($standIn in $lab.Registries) {
        Set-OpenImRegistry -Name $standIn.Name -Uri $standIn.Uri -Namespace $standIn.Namespace
    }
    Get-OpenImRegistry | Format-Table | Out-Host

    Show-Step 'Registries, measured now' 'Test-OpenImRegistry'
    Test-OpenImRegistry | Format-Table | Out-Host

    Show-Step 'The default images on every registry' 'Get-OpenImImage'
    Get-OpenImImage | Format-Table | Out-Host

    Show-Step 'The head of each channel' 'Get-OpenImTag'
    Get-OpenImTag | Format-Table | Out-Host

    Show-Step 'The newest 3.8 server that exists for arm64' 'Find-OpenImTag openim-server -Version 3.8.* -Platform linux/arm64 -Latest'
    Find-OpenImTag openim-server -Version 3.8.* -Platform linux/arm64 -Latest | Format-Table | Out-Host

    Show-Step 'What the release heads contain' 'Get-OpenImTag -Channel Release | Get-OpenImManifest'
    Get-OpenImTag -Channel Release | Get-OpenImManifest | Format-Table | Out-Host

    Show-Step 'Are the mirrors in sync?' 'Compare-OpenImRegistry'
    Compare-OpenImRegistry | Format-Table | Out-Host
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
