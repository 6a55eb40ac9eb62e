<#
.SYNOPSIS
    Runs the OpenIm.PowerShell benchmarks against the local registry lab and writes docs/benchmarks.md.
.DESCRIPTION
    Needs the built module (dotnet pwsh ./build.ps1 Build), root (the lab runs dockerd), skopeo and the
    docker CLI. Without -LabFile it starts its own lab in -LabRunRoot and stops it at the end; with
    -LabFile it uses that running lab and puts it back as it found it (Reset-OpenImLab).

    Steps: copies the module to the work folder (so a rebuild meanwhile cannot pull it away), points a
    private settings file at the lab's stand-ins, pushes the bench images into the stand-ins' backend
    registries over the registry API (built deterministically from seeds, random bytes; cached in
    -CacheFolder; tests/Lab's seed is left alone), sets the network (latency per stand-in, bandwidth for
    pulls), then runs the scenarios of bench/Scenarios in order. Each alternates ours and the peer after a
    warm-up round and reports medians and the median of the per-pair ratios.

    Images it adds to the lab (catalog names the lab's seed does not use):
      openim-rpc-msg        350 tags (120 with -Smoke), a tiny image, on all three stand-ins
      openim-rpc-user       bench-50m: 5 x 10 MB, on all three
      openim-rpc-auth, -friend, -group, -third   bench-4x: 2 x 5 MB each, on Ghcr
      openim-push           bench-200m: 4 x 50 MB, on Ghcr

    -Smoke runs every scenario once (no warm-up) at tiny sizes, to check the harness; its report goes to
    the work folder, not docs/. The exit code is 0 when every scenario ran (targets met or not), 1 when a
    scenario failed.
.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/Invoke-Benchmark.ps1
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Smoke -LabFile ./out/lab/lab.json
#>
[CmdletBinding()]
param(
    # A running lab's lab.json; without it the bench starts (and stops) its own lab in LabRunRoot.
    [string] $LabFile,

    # Run folder of the bench's own lab.
    [string] $LabRunRoot,

    # The built module folder (out/OpenIm) or its psd1.
    [string] $ModulePath,

    # Counted runs per scenario (after the warm-up).
    [ValidateRange(1, 100)] [int] $Runs = 5,

    # Warm-up rounds per scenario, not counted.
    [ValidateRange(0, 10)] [int] $WarmUp = 1,

    # Every scenario once at tiny size (Runs 1, WarmUp 0): checks the harness, not the numbers.
    [switch] $Smoke,

    # Scenarios to run, by number: 1,3 or '1,3' (pwsh -File passes a list as one string).
    [string[]] $Scenario = @('1', '2', '3', '4', '5', '6'),

    # The report; default docs/benchmarks.md (with -Smoke: <WorkFolder>/benchmarks-smoke.md).
    [string] $OutFile,

    # Module copy, settings, results.json; default out/bench.
    [string] $WorkFolder,

    # Bench images and the compiled image builder, kept between runs; default out/bench-cache.
    [string] $CacheFolder
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'

$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
if (-not $ModulePath) { $ModulePath = Join-Path $repo 'out/OpenIm' }
if (-not $WorkFolder) { $WorkFolder = Join-Path $repo 'out/bench' }
if (-not $CacheFolder) { $CacheFolder = Join-Path $repo 'out/bench-cache' }
if (-not $LabRunRoot) { $LabRunRoot = Join-Path $repo 'out/benchlab' }
if ($Smoke) {
    if (-not $PSBoundParameters.ContainsKey('Runs')) { $Runs = 1 }
    if (-not $PSBoundParameters.ContainsKey('WarmUp')) { $WarmUp = 0 }
}

$Scenario = @($Scenario -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } | Sort-Object -Unique)
$unknown = @($Scenario | Where-Object { $_ -notin '1', '2', '3', '4', '5', '6' })
if ($unknown.Count -gt 0 -or $Scenario.Count -eq 0) {
    throw "Unknown scenario(s) '$($unknown -join ', ')': the scenarios are 1 to 6."
}

if (-not $OutFile) { $OutFile = if ($Smoke) { Join-Path $WorkFolder 'benchmarks-smoke.md' } else { Join-Path $repo 'docs/benchmarks.md' } }

Import-Module (Join-Path $PSScriptRoot 'BenchCommon.psm1') -Force
Import-Module (Join-Path $repo 'tests/Lab/Lab.psm1') -Force

$clock = [System.Diagnostics.Stopwatch]::StartNew()
$started = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm') + ' UTC'
$mode = if ($Smoke) { 'Smoke' } else { 'Full' }
Write-BenchLog "OpenIm benchmarks ($mode): scenarios $($Scenario -join ', '), $Runs run(s) after $WarmUp warm-up round(s)."

foreach ($tool in 'docker', 'skopeo') {
    if (-not (Get-Command $tool -ErrorAction Ignore)) {
        throw "The bench needs '$tool' on PATH (apt-get install $(if ($tool -eq 'docker') { 'docker.io' } else { 'skopeo' }))."
    }
}

# A private copy of the module: a build running meanwhile replaces out/OpenIm file by file.
$source = if ((Get-Item $ModulePath).PSIsContainer) { $ModulePath } else { Split-Path $ModulePath }
foreach ($file in 'OpenIm.psd1', 'OpenIm.PowerShell.dll') {
    if (-not (Test-Path (Join-Path $source $file))) {
        throw "No built module at $source ($file missing): run 'dotnet pwsh ./build.ps1 Build' first."
    }
}

$null = New-Item -ItemType Directory -Force -Path $WorkFolder
$moduleCopy = Join-Path $WorkFolder 'module/OpenIm'
if (Test-Path $moduleCopy) { Remove-Item $moduleCopy -Recurse -Force }
$null = New-Item -ItemType Directory -Force -Path $moduleCopy
Copy-Item (Join-Path $source '*') $moduleCopy -Recurse -Force
$modulePsd1 = Join-Path $moduleCopy 'OpenIm.psd1'

# The module's settings and Docker's config, private to the bench, for this process and its children.
$saved = @{ OPENIM_CONFIG = $env:OPENIM_CONFIG; DOCKER_CONFIG = $env:DOCKER_CONFIG; OPENIM_LAB = $env:OPENIM_LAB }
$settings = Join-Path $WorkFolder 'settings'
if (Test-Path $settings) { Remove-Item $settings -Recurse -Force }
$null = New-Item -ItemType Directory -Force -Path (Join-Path $settings 'docker')
$env:OPENIM_CONFIG = Join-Path $settings 'registries.json'
$env:DOCKER_CONFIG = Join-Path $settings 'docker'

$ownLab = -not $LabFile
$lab = $null
$rows = [System.Collections.Generic.List[object]]::new()
$notes = [System.Collections.Generic.List[string]]::new()
$failures = [System.Collections.Generic.List[string]]::new()
$raw = [ordered]@{}
try {
    if ($ownLab) {
        Write-BenchLog "Starting the bench's own lab in $LabRunRoot"
        $lab = Start-OpenImLab -RunRoot $LabRunRoot
    } else {
        $env:OPENIM_LAB = (Resolve-Path $LabFile).Path
        $lab = Get-OpenImLab
    }

    Import-Module $modulePsd1 -ErrorAction Stop
    foreach ($standIn in $lab.Registries) {
        Set-OpenImRegistry -Name $standIn.Name -Uri $standIn.Uri -Namespace $standIn.Namespace
    }

    Reset-OpenImLab
    # Docker Hub's pull quota would end a long bench with 429s; the scenarios measure speed, not quotas.
    $null = Set-OpenImLabRateLimit -Registry DockerHub -Limit 0
    $engine = $lab.Engines[0].DockerHost
    Clear-BenchEngine $engine
    $architecture = Get-BenchEngineArchitecture $engine

    Write-BenchLog 'Bench images (built from seeds, cached; pushed where missing)'
    Import-BenchImageType -CacheFolder $CacheFolder
    $imageCache = Join-Path $CacheFolder 'images'
    $sizes = if ($Smoke) {
        @{ Tags = 120; OneLayer = 64KB; FourLayer = 32KB; BigLayer = 256KB; Suffix = 'smoke' }
    } else {
        @{ Tags = 350; OneLayer = 10000000; FourLayer = 5000000; BigLayer = 50000000; Suffix = '' }
    }

    $all = @('Ghcr', 'Aliyun', 'DockerHub')
    $images = @{}
    if ($Scenario -contains '1') {
        $images.Tags = Publish-BenchImage -Lab $lab -CacheFolder $imageCache -Image 'openim-rpc-msg' -Tags (Get-BenchTagNames $sizes.Tags) `
            -Layers 1 -BytesPerLayer 4096 -Registries $all -Architecture $architecture
    }

    if ($Scenario -contains '3' -or $Scenario -contains '5') {
        $tag = if ($Smoke) { 'bench-smoke' } else { 'bench-50m' }
        $images.One = Publish-BenchImage -Lab $lab -CacheFolder $imageCache -Image 'openim-rpc-user' -Tags $tag `
            -Layers 5 -BytesPerLayer $sizes.OneLayer -Registries $all -Architecture $architecture
    }

    if ($Scenario -contains '4') {
        $tag = if ($Smoke) { 'bench-smoke' } else { 'bench-4x' }
        $images.Four = foreach ($name in 'openim-rpc-auth', 'openim-rpc-friend', 'openim-rpc-group', 'openim-rpc-third') {
            Publish-BenchImage -Lab $lab -CacheFolder $imageCache -Image $name -Tags $tag -Layers 2 -BytesPerLayer $sizes.FourLayer `
                -Registries 'Ghcr' -Architecture $architecture
        }
    }

    if ($Scenario -contains '6') {
        $tag = if ($Smoke) { 'bench-smoke' } else { 'bench-200m' }
        $images.Big = Publish-BenchImage -Lab $lab -CacheFolder $imageCache -Image 'openim-push' -Tags $tag `
            -Layers 4 -BytesPerLayer $sizes.BigLayer -Registries 'Ghcr' -Architecture $architecture
    }

    $bench = @{
        Lab             = $lab
        Engine          = $engine
        ModulePath      = $modulePsd1
        Runs            = $Runs
        WarmUp          = $WarmUp
        Smoke           = [bool]$Smoke
        Images          = $images
        # Added to every request by each stand-in: a round trip to a near, a farther and a far registry.
        Latency         = [ordered]@{ Ghcr = 40; Aliyun = 80; DockerHub = 120 }
        # Blob bandwidth per connection in the pull scenarios: 100 Mbit/s.
        PullBandwidth   = 12500000
        # Scenario 5: the first registry in priority order is the slowest mirror.
        MirrorBandwidth = [ordered]@{ Ghcr = 2500000; Aliyun = 25000000; DockerHub = 6250000 }
    }

    $scripts = @{
        '1' = '1-AllTags.ps1'; '2' = '2-ChannelHeads.ps1'; '3' = '3-PullOne.ps1'
        '4' = '4-PullFour.ps1'; '5' = '5-Mirrors.ps1'; '6' = '6-ImportMemory.ps1'
    }
    foreach ($number in ($Scenario | Sort-Object -Unique)) {
        Write-BenchLog "Scenario $number ($($scripts[$number]))"
        try {
            $result = & (Join-Path $PSScriptRoot "Scenarios/$($scripts[$number])") -Bench $bench
            foreach ($row in $result.Rows) { $rows.Add($row) }
            foreach ($note in $result.Notes) { $notes.Add($note) }
            $raw[$number] = $result.Rounds
        }
        catch {
            $message = ("$($_.Exception.Message)" -split '\r?\n' | Where-Object { $_.Trim() } | Select-Object -First 1)
            $failures.Add("Scenario $number failed: $message")
            Write-BenchLog "Scenario $number FAILED: $_"
            Write-BenchLog ($_.ScriptStackTrace | Out-String).Trim()
            $notes.Add("**$number. FAILED:** $message (see the runner's output)")
        }
    }

    $machine = Get-BenchMachine -DockerHost $engine -ModulePath $modulePsd1
}
finally {
    if ($lab) {
        try {
            Clear-BenchEngine $lab.Engines[0].DockerHost
            Reset-OpenImLab
        }
        catch {
            Write-Warning "Could not put the lab back: $_"
        }
    }

    if ($ownLab -and $lab) {
        Write-BenchLog 'Stopping the bench lab'
        $null = Stop-OpenImLab -RunRoot $LabRunRoot
    }

    foreach ($name in $saved.Keys) {
        [Environment]::SetEnvironmentVariable($name, $saved[$name])
    }
}

$network = 'each stand-in adds a delay to every request (Ghcr 40 ms, Aliyun 80 ms, DockerHub 120 ms: one round trip); ' +
'pulls are limited to 12.5 MB/s (100 Mbit/s) per blob connection, and in scenario 5 to Ghcr 2.5, Aliyun 25 and ' +
'DockerHub 6.25 MB/s (MB = 10^6 bytes throughout). Loopback otherwise. Docker Hub''s pull quota is switched off for the bench.'
$reproduce = @(
    'dotnet tool restore',
    'dotnet pwsh ./build.ps1 Build',
    'dotnet pwsh ./bench/Invoke-Benchmark.ps1                 # everything, 5 runs after a warm-up; writes docs/benchmarks.md',
    'dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Scenario 3,5   # some scenarios only (-Runs 9 for more runs)',
    'dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Smoke          # each scenario once at tiny size; report in out/bench'
)
$allNotes = @($notes)
$report = Format-BenchReport -Rows $rows.ToArray() -MachineLine (Format-BenchMachine $machine) -NetworkLine $network `
    -Notes $allNotes -Mode $mode -Started $started -Minutes $clock.Elapsed.TotalMinutes -Reproduce $reproduce
$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutFile)
Set-Content -Path $OutFile -Value $report -Encoding utf8 -NoNewline
[pscustomobject]@{
    Mode = $mode; Started = $started; Minutes = $clock.Elapsed.TotalMinutes; Machine = $machine
    Rows = $rows.ToArray(); Failures = $failures.ToArray(); Rounds = $raw
} | ConvertTo-Json -Depth 8 | Set-Content -Path (Join-Path $WorkFolder "results-$($mode.ToLowerInvariant()).json") -Encoding utf8

foreach ($row in $rows) {
    $peer = if ($row.Peer.Count) { Format-BenchValue $row.PeerMedian $row.Unit } else { '—' }
    $ratio = if ($row.Kind -eq 'Ratio') { Format-BenchRatio $row.RatioMedian $row.Target } elseif ($row.Kind -eq 'Equal') { Format-BenchRatio $row.RatioMedian } else { '—' }
    Write-BenchLog ('{0,-3} ours {1}, peer {2}, ratio {3}, target {4}: {5} ({6} runs)  {7}' -f $row.Id,
        (Format-BenchValue $row.OursMedian $row.Unit), $peer, $ratio, (Format-BenchTarget $row),
        $(if ($row.Met) { 'met' } else { 'NOT met' }), $row.Runs, $row.Scenario)
}

Write-BenchLog ('Report: {0} ({1:0.0} min)' -f $OutFile, $clock.Elapsed.TotalMinutes)
if ($failures.Count -gt 0) {
    $failures | ForEach-Object { Write-Error $_ -ErrorAction Continue }
    exit 1
}
