<#
.SYNOPSIS
    The main job of OpenIm.PowerShell, walked against the local lab.
.DESCRIPTION
    build.ps1 Demo starts the lab, runs this script in a fresh pwsh and stops the lab. The script
    points the module at the lab's stand-ins the way a user registers mirrors, in a settings file of
    its own, and then shows: registries, images, channel heads, a version search, manifests and
    mirror drift, a release set moved to a second engine through an archive.
#>
[CmdletBinding(DefaultParameterSetName = 'Lab')]
param(
    # The running lab's description, written by Start-OpenImLab.
    [Parameter(Mandatory, ParameterSetName = 'Lab')] [string] $LabFile,

    # Runs the read-only part against the real registries: registries, images, channel heads, a
    # version search, manifests and drift. Nothing is pulled and no settings are changed.
    [Parameter(Mandatory, ParameterSetName = 'Online')] [switch] $Online
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
Import-Module (Join-Path $root 'out/OpenIm/OpenIm.psd1')

function Show-Table {
    # The demo runs without a terminal, whose default width of 80 would wrap the tables.
    $input | Format-Table | Out-String -Width 120 | Write-Host
}

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
if ($Online) {
    # Failures (a registry unreachable from here, a rate limit) are shown and the walk goes on.
    $ErrorActionPreference = 'Continue'
    try {
        Show-Step 'Registries, measured now' 'Test-OpenImRegistry'
        Test-OpenImRegistry | Show-Table
        Show-Step 'The head of each channel' 'Get-OpenImTag'
        Get-OpenImTag | Show-Table
        Show-Step 'The newest 3.8 server that exists for arm64' 'Find-OpenImTag openim-server -Version 3.8.* -Platform linux/arm64 -Latest'
        Find-OpenImTag openim-server -Version 3.8.* -Platform linux/arm64 -Latest | Show-Table
        Show-Step 'What the release heads contain' 'Get-OpenImTag -Channel Release | Get-OpenImManifest'
        Get-OpenImTag -Channel Release | Get-OpenImManifest | Show-Table
        Show-Step 'Are the mirrors in sync?' 'Compare-OpenImRegistry'
        Compare-OpenImRegistry | Show-Table
    }
    finally {
        Remove-Item $work -Recurse -Force -ErrorAction Ignore
    }

    return
}

$lab = Get-Content $LabFile -Raw | ConvertFrom-Json
$env:DOCKER_HOST = $lab.Engines[0].DockerHost
try {
    Show-Step 'Point the built-in registries at the lab mirrors' 'Set-OpenImRegistry Ghcr -Uri <lab> ...'
    foreach ($standIn in $lab.Registries) {
        Set-OpenImRegistry -Name $standIn.Name -Uri $standIn.Uri -Namespace $standIn.Namespace
    }
    Get-OpenImRegistry | Show-Table

    Show-Step 'Registries, measured now' 'Test-OpenImRegistry'
    Test-OpenImRegistry | Show-Table

    Show-Step 'The default images on every registry' 'Get-OpenImImage'
    Get-OpenImImage | Show-Table

    Show-Step 'The head of each channel' 'Get-OpenImTag'
    Get-OpenImTag | Show-Table

    Show-Step 'The newest 3.8 server that exists for arm64' 'Find-OpenImTag openim-server -Version 3.8.* -Platform linux/arm64 -Latest'
    Find-OpenImTag openim-server -Version 3.8.* -Platform linux/arm64 -Latest | Show-Table

    Show-Step 'What the release heads contain' 'Get-OpenImTag -Channel Release | Get-OpenImManifest'
    Get-OpenImTag -Channel Release | Get-OpenImManifest | Show-Table

    Show-Step 'Pull the newest release branch of server and chat, verified by digest' 'Get-OpenImTag -Channel Release | Invoke-OpenImPull'
    Get-OpenImTag -Channel Release | Invoke-OpenImPull | Show-Table

    Show-Step 'Pulling again finds them up to date' 'Get-OpenImTag -Channel Release | Invoke-OpenImPull'
    Get-OpenImTag -Channel Release | Invoke-OpenImPull | Show-Table

    Show-Step 'The OpenIM images on the engine' 'Get-OpenImLocalImage'
    Get-OpenImLocalImage | Show-Table

    Show-Step 'Are the mirrors in sync?' 'Compare-OpenImRegistry'
    Compare-OpenImRegistry | Show-Table

    Show-Step 'A consistent 3.8 deployment set: server and the chat that pairs with it' 'Get-OpenImRelease -Version 3.8'
    $set = Get-OpenImRelease -Version 3.8
    $set | Show-Table

    Show-Step 'Offline transfer: pull the set, save it to one archive, load it on a second engine' 'Get-OpenImRelease -Version 3.8 | Invoke-OpenImPull | Save-OpenImImage -Path openim-3.8.tar; Import-OpenImImage openim-3.8.tar -DockerHost <offline engine>'
    $archivePath = Join-Path $work 'openim-3.8.tar'
    $archive = $set | Invoke-OpenImPull | Save-OpenImImage -Path $archivePath
    $archive | Show-Table
    Import-OpenImImage -Path $archivePath -DockerHost $lab.Engines[1].DockerHost | Show-Table

    Show-Step 'ghcr.io unreachable: the pull falls back to the next registry and says so' 'Invoke-OpenImPull openim-chat v1.8.3'
    $admin = $lab.Admin
    Invoke-RestMethod -Method Post -Uri "$admin/lab/ghcr/fault" -ContentType 'application/json' -Body '{"mode":"down"}' | Out-Null
    try {
        Invoke-OpenImPull openim-chat v1.8.3 | Show-Table
    }
    finally {
        Invoke-RestMethod -Method Post -Uri "$admin/lab/reset" | Out-Null
    }
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
