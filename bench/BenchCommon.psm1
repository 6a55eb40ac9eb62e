#Requires -Version 7.2
# Shared pieces of the OpenIm.PowerShell benchmarks: timing, rounds that alternate the contenders, medians
# and ratios, fresh pwsh children, the lab's engines and network, bench images, the machine line and the
# Markdown report. bench/Invoke-Benchmark.ps1 drives them; bench/Scenarios/*.ps1 use them.

Set-StrictMode -Version 3.0

$script:BenchRoot = $PSScriptRoot
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$script:ChildScript = Join-Path $PSScriptRoot 'BenchChild.ps1'

function Write-BenchLog {
    param([Parameter(Mandatory)] [string] $Message)
    Write-Host ('[{0:HH:mm:ss}] {1}' -f (Get-Date), $Message)
}

#region Statistics

function Get-BenchMedian {
    <# The median of numbers; NaN for none. #>
    param([AllowEmptyCollection()] [double[]] $Values)

    if (-not $Values -or $Values.Count -eq 0) {
        return [double]::NaN
    }

    $sorted = [double[]]($Values | Sort-Object)
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2 -eq 1) {
        return $sorted[$middle]
    }

    ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

function New-BenchRow {
    <#
    .SYNOPSIS
    One line of the results table from paired measurements.
    .DESCRIPTION
    Ours and Peer are the per-run values in run order (pairs share an index). The ratio is the median of
    the per-pair ratios ours/peer, which cancels slow phases of a noisy machine better than the ratio of
    the medians. Kind says how the target is read:
      Ratio     met when the median pair ratio is at most Target
      Absolute  met when our median is at most Target (no peer)
      Equal     met when our median equals the peer's (the peer is a computed minimum)
    #>
    param(
        [Parameter(Mandatory)] [string] $Id,
        [Parameter(Mandatory)] [string] $Scenario,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [double[]] $Ours,
        [AllowEmptyCollection()] [double[]] $Peer = @(),
        [Parameter(Mandatory)] [ValidateSet('Ratio', 'Absolute', 'Equal')] [string] $Kind,
        [Parameter(Mandatory)] [double] $Target,
        [string] $Unit = 'ms',
        [string] $OursLabel = 'ours',
        [string] $PeerLabel = '',
        [string] $Note = ''
    )

    $ratios = @()
    if ($Peer.Count -gt 0) {
        if ($Peer.Count -ne $Ours.Count) {
            throw "Scenario ${Id}: $($Ours.Count) measurements of ours but $($Peer.Count) of the peer."
        }

        $ratios = @(for ($i = 0; $i -lt $Ours.Count; $i++) {
                if ($Peer[$i] -gt 0) { $Ours[$i] / $Peer[$i] } else { [double]::NaN }
            })
    }

    $oursMedian = Get-BenchMedian $Ours
    $peerMedian = Get-BenchMedian $Peer
    $ratioMedian = Get-BenchMedian $ratios
    $met = switch ($Kind) {
        'Ratio' { -not [double]::IsNaN($ratioMedian) -and $ratioMedian -le $Target }
        'Absolute' { -not [double]::IsNaN($oursMedian) -and $oursMedian -le $Target }
        'Equal' { -not [double]::IsNaN($oursMedian) -and $oursMedian -eq $peerMedian }
    }

    [pscustomobject]@{
        Id          = $Id
        Scenario    = $Scenario
        Kind        = $Kind
        Unit        = $Unit
        OursLabel   = $OursLabel
        PeerLabel   = $PeerLabel
        Ours        = [double[]]$Ours
        Peer        = [double[]]$Peer
        Ratios      = [double[]]$ratios
        OursMedian  = $oursMedian
        PeerMedian  = $peerMedian
        RatioMedian = $ratioMedian
        Target      = $Target
        Met         = [bool]$met
        Runs        = $Ours.Count
        Note        = $Note
    }
}

function Format-BenchValue {
    param([double] $Value, [string] $Unit)

    if ([double]::IsNaN($Value)) {
        return '—'
    }

    switch ($Unit) {
        'ms' { if ($Value -ge 10000) { '{0:0.0} s' -f ($Value / 1000) } else { '{0:0} ms' -f $Value } }
        'MB' { '{0:0.0} MB' -f $Value }
        'requests' { '{0:0}' -f $Value }
        default { '{0:0.###} {1}' -f $Value, $Unit }
    }
}

function Format-BenchRatio {
    <# Two decimals, or three when two would round onto the target and hide which side of it the ratio is. #>
    param([double] $Ratio, [double] $Target = [double]::NaN)

    if ([double]::IsNaN($Ratio)) { return '—' }
    if (-not [double]::IsNaN($Target) -and $Ratio -ne $Target -and [math]::Round($Ratio, 2) -eq [math]::Round($Target, 2)) {
        return '{0:0.000}' -f $Ratio
    }

    '{0:0.00}' -f $Ratio
}

function Format-BenchTarget {
    param($Row)

    switch ($Row.Kind) {
        'Ratio' { '≤ {0:0.##}' -f $Row.Target }
        'Absolute' { '≤ ' + (Format-BenchValue $Row.Target $Row.Unit) }
        'Equal' { '= minimum' }
    }
}

#endregion

#region Rounds and timing

function Invoke-BenchRounds {
    <#
    .SYNOPSIS
    Runs the contenders in turn (A B A B ...), warm-up rounds first, and returns one object per counted round.
    .DESCRIPTION
    Each contender is a script block that returns its measurement: a number (milliseconds) or an object.
    BeforeEach runs before every contender (not timed), e.g. to remove the pulled image.
    #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Contenders,
        [int] $Runs = 5,
        [int] $WarmUp = 1,
        [scriptblock] $BeforeEach
    )

    $rounds = [System.Collections.Generic.List[object]]::new()
    for ($index = -$WarmUp; $index -lt $Runs; $index++) {
        $round = [ordered]@{ Index = $index }
        $parts = @()
        foreach ($key in @($Contenders.Keys)) {
            if ($BeforeEach) {
                $null = & $BeforeEach $key
            }

            $measurement = & $Contenders[$key]
            $round[$key] = $measurement
            if ($measurement -isnot [ValueType] -and $measurement.PSObject.Properties['Log']) {
                $parts += "$key $($measurement.Log)"
            } else {
                $ms = if ($measurement -is [ValueType]) { $measurement } elseif ($measurement.PSObject.Properties['Ms']) { $measurement.Ms } else { $null }
                if ($null -ne $ms) { $parts += ('{0} {1:0} ms' -f $key, $ms) }
            }
        }

        $label = if ($index -lt 0) { 'warm-up' } else { "run $($index + 1)/$Runs" }
        Write-BenchLog "  $Name $label`: $($parts -join ', ')"
        if ($index -ge 0) {
            $rounds.Add([pscustomobject]$round)
        }
    }

    , $rounds.ToArray()
}

function Measure-BenchBlock {
    <# Milliseconds a script block takes; its output is discarded unless -PassThru (then Ms and Output). #>
    param([Parameter(Mandatory)] [scriptblock] $Block, [switch] $PassThru)

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $Block
    $clock.Stop()
    if ($PassThru) {
        return [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; Output = $output }
    }

    $clock.Elapsed.TotalMilliseconds
}

function Invoke-BenchNative {
    <# Runs a native command, throws with its output on a non-zero exit code, returns Ms and Output. #>
    param([Parameter(Mandatory)] [string] $File, [string[]] $Arguments = @())

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $File @Arguments 2>&1
    $clock.Stop()
    if ($LASTEXITCODE -ne 0) {
        throw "'$File $($Arguments -join ' ')' failed ($LASTEXITCODE): $(($output | Out-String).Trim())"
    }

    # Standard output only in Output (a tool's warnings on stderr must not break parsing), stderr in Errors.
    [pscustomobject]@{
        Ms     = $clock.Elapsed.TotalMilliseconds
        Output = @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" })
        Errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" })
    }
}

function Invoke-BenchChild {
    <#
    .SYNOPSIS
    Runs bench/BenchChild.ps1 in a fresh pwsh (the same PowerShell as this one, started straight from its
    pwsh.dll so the process is pwsh itself) and returns what it reports.
    .DESCRIPTION
    With -SampleMemory, samples the child's working set every IntervalMs while it runs; the samples come
    back as Samples (UtcMs, Bytes).
    #>
    param(
        [Parameter(Mandatory)] [string] $Mode,
        [Parameter(Mandatory)] [string] $ModulePath,
        [hashtable] $Parameters = @{},
        [switch] $SampleMemory,
        [int] $IntervalMs = 20,
        [int] $TimeoutSeconds = 600
    )

    $start = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    foreach ($argument in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $script:ChildScript,
            '-Mode', $Mode, '-ModulePath', $ModulePath, '-ParametersJson', ($Parameters | ConvertTo-Json -Compress -Depth 5))) {
        $start.ArgumentList.Add($argument)
    }

    $start.WorkingDirectory = $script:RepoRoot
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $samples = [System.Collections.Generic.List[object]]::new()
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        if ($SampleMemory) {
            while (-not $process.HasExited) {
                try {
                    $process.Refresh()
                    $samples.Add([pscustomobject]@{
                            UtcMs = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
                            Bytes = $process.WorkingSet64
                        })
                }
                catch [System.InvalidOperationException] {
                    break
                }

                if ([DateTime]::UtcNow -gt $deadline) { break }
                Start-Sleep -Milliseconds $IntervalMs
            }
        }

        if (-not $process.WaitForExit([int]([math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)))) {
            $process.Kill()
            throw "The bench child ($Mode) did not finish within $TimeoutSeconds s."
        }

        $process.WaitForExit()
        $out = $stdout.GetAwaiter().GetResult()
        $err = $stderr.GetAwaiter().GetResult()
        if ($process.ExitCode -ne 0) {
            throw "The bench child ($Mode) failed with exit code $($process.ExitCode): $($err.Trim()) $($out.Trim())"
        }

        $line = @($out -split "`r?`n" | Where-Object { $_.StartsWith('BENCH-RESULT ') }) | Select-Object -Last 1
        if (-not $line) {
            throw "The bench child ($Mode) reported nothing: $($err.Trim()) $($out.Trim())"
        }

        $result = $line.Substring('BENCH-RESULT '.Length) | ConvertFrom-Json
        if ($SampleMemory) {
            $result | Add-Member -NotePropertyName Samples -NotePropertyValue $samples.ToArray()
        }

        $result
    }
    finally {
        $process.Dispose()
    }
}

#endregion

#region Lab, engines and network

function Clear-BenchEngine {
    <# Removes every image from a lab engine, so the next pull downloads everything. #>
    param([Parameter(Mandatory)] [string] $DockerHost)

    $ids = @(& docker -H $DockerHost images -aq 2>$null | Sort-Object -Unique)
    if ($ids.Count -gt 0) {
        $output = & docker -H $DockerHost rmi -f @ids 2>&1
        if ($LASTEXITCODE -ne 0) {
            throw "Could not remove the images of $DockerHost`: $(($output | Out-String).Trim())"
        }
    }
}

function Get-BenchEngineArchitecture {
    param([Parameter(Mandatory)] [string] $DockerHost)

    $arch = (& docker -H $DockerHost version --format '{{.Server.Arch}}' 2>$null | Out-String).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $arch) {
        throw "The lab engine $DockerHost does not answer."
    }

    $arch
}

function Set-BenchNetwork {
    <#
    .SYNOPSIS
    Sets each stand-in's added latency and blob bandwidth (bytes/s per connection; 0 = unlimited).
    #>
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $LatencyMs,
        [System.Collections.IDictionary] $Bandwidth = @{}
    )

    foreach ($name in @($LatencyMs.Keys)) {
        $rate = if ($Bandwidth.Contains($name)) { [long]$Bandwidth[$name] } else { 0 }
        $null = Set-OpenImLabLatency -Registry $name -Milliseconds $LatencyMs[$name] -BandwidthBytesPerSecond $rate
    }
}

function Get-BenchLabRequests {
    <# Request counts per stand-in since the last Reset-OpenImLabStats: Total, Ping, Token, Tags, Manifest, Blob, Other. #>
    $stats = @(Get-OpenImLabStats)
    foreach ($entry in $stats) {
        [pscustomobject]@{
            Registry = $entry.registry
            Total    = [int]$entry.total
            Ping     = [int]$entry.ping
            Token    = [int]$entry.token
            Tags     = [int]$entry.tags
            Manifest = [int]$entry.manifest
            Blob     = [int]$entry.blob
            Other    = [int]$entry.other
        }
    }
}

#endregion

#region Bench images

function Import-BenchImageType {
    <#
    .SYNOPSIS
    Loads OpenImBench.* (bench/BenchImages.cs), compiled once into CacheFolder and reused while the source is unchanged.
    #>
    param([Parameter(Mandatory)] [string] $CacheFolder)

    if ('OpenImBench.BenchImageFactory' -as [type]) {
        return
    }

    $source = Join-Path $script:BenchRoot 'BenchImages.cs'
    $hash = (Get-FileHash $source -Algorithm SHA256).Hash.Substring(0, 16).ToLowerInvariant()
    $dll = Join-Path $CacheFolder "BenchImages-$hash.dll"
    if (-not (Test-Path $dll)) {
        $null = New-Item -ItemType Directory -Force -Path $CacheFolder
        $temporary = Join-Path $CacheFolder "BenchImages-$hash-$PID.dll"
        Add-Type -Path $source -OutputAssembly $temporary -OutputType Library
        Move-Item $temporary $dll -Force
    }

    Add-Type -Path $dll
}

function Get-BenchTagNames {
    <#
    .SYNOPSIS
    The first Count tags of a fixed, OpenIM-shaped sequence: vX.Y.Z, X.Y.Z and sha-<hex> per release.
    #>
    param([Parameter(Mandatory)] [int] $Count)

    $names = [System.Collections.Generic.List[string]]::new()
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        for ($release = 0; $names.Count -lt $Count; $release++) {
            $version = '5.{0}.{1}' -f [math]::Floor($release / 10), ($release % 10)
            $hex = [Convert]::ToHexString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes("bench-$version"))).Substring(0, 7).ToLowerInvariant()
            foreach ($tag in "v$version", $version, "sha-$hex") {
                if ($names.Count -lt $Count) { $names.Add($tag) }
            }
        }
    }
    finally {
        $sha.Dispose()
    }

    , $names.ToArray()
}

function Publish-BenchImage {
    <#
    .SYNOPSIS
    Builds a bench image from its seed (or takes it from the cache) and pushes it, under every tag, into the
    backends of the named stand-ins, skipping what a backend already holds. Returns what was published.
    #>
    param(
        [Parameter(Mandatory)] $Lab,
        [Parameter(Mandatory)] [string] $CacheFolder,
        [Parameter(Mandatory)] [string] $Image,
        [Parameter(Mandatory)] [string[]] $Tags,
        [Parameter(Mandatory)] [int] $Layers,
        [Parameter(Mandatory)] [long] $BytesPerLayer,
        [Parameter(Mandatory)] [string[]] $Registries,
        [Parameter(Mandatory)] [string] $Architecture
    )

    $seed = "openim-bench/$Image/$($Tags[0])"
    $built = [OpenImBench.BenchImageFactory]::Build($CacheFolder, $seed, $Layers, $BytesPerLayer, $Architecture)
    $pusher = [OpenImBench.BenchPusher]::new()
    try {
        foreach ($name in $Registries) {
            $standIn = $Lab.Registries | Where-Object Name -EQ $name
            $repository = "$($standIn.Namespace)/$Image"
            $present = [System.Collections.Generic.HashSet[string]]::new([string[]]$pusher.Tags($standIn.Backend, $repository))
            $missing = @($Tags | Where-Object { -not $present.Contains($_) })
            $current = $pusher.DigestOf($standIn.Backend, $repository, $Tags[0])
            if ($missing.Count -eq 0 -and $current -eq $built.ManifestDigest) {
                continue
            }

            $toPush = @(if ($current -ne $built.ManifestDigest) { $Tags } else { $missing })
            $null = $pusher.Push($standIn.Backend, $repository, $built, [string[]]$toPush, 16)
            Write-BenchLog "  pushed $repository ($($toPush.Count) tag(s), $([math]::Round($built.TotalBytes / 1e6, 1)) MB) to $name"
        }
    }
    finally {
        $pusher.Dispose()
    }

    [pscustomobject]@{
        Image      = $Image
        Tag        = $Tags[0]
        Tags       = $Tags
        Digest     = $built.ManifestDigest
        Bytes      = $built.TotalBytes
        Layers     = $Layers
        Registries = $Registries
    }
}

function Get-BenchBackendTagCount {
    <# How many tags a stand-in's backend holds for an image (all of them, unpaged). #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] [string] $Registry, [Parameter(Mandatory)] [string] $Image)

    $standIn = $Lab.Registries | Where-Object Name -EQ $Registry
    $pusher = [OpenImBench.BenchPusher]::new()
    try {
        $pusher.Tags($standIn.Backend, "$($standIn.Namespace)/$Image").Count
    }
    finally {
        $pusher.Dispose()
    }
}

#endregion

#region Machine and report

function Get-BenchMachine {
    <# The machine line: cores, memory, OS, load, and the versions of everything measured. #>
    param([string] $DockerHost, [string] $ModulePath)

    function Get-FirstLine([scriptblock] $Block) {
        try { ((& $Block 2>$null) | Select-Object -First 1 | Out-String).Trim() } catch { '' }
    }

    $memory = (Get-Content /proc/meminfo -ErrorAction Ignore | Where-Object { $_ -like 'MemTotal:*' }) -replace '\D', ''
    $os = (Get-Content /etc/os-release -ErrorAction Ignore | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace '^PRETTY_NAME="?|"$', ''
    $cpu = (Get-Content /proc/cpuinfo -ErrorAction Ignore | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
    $moduleVersion = try { (Import-PowerShellDataFile $ModulePath).ModuleVersion } catch { '?' }
    [pscustomobject]@{
        Cores         = [Environment]::ProcessorCount
        Cpu           = $cpu
        MemoryGiB     = if ($memory) { [math]::Round([double]$memory / 1MB, 1) } else { $null }
        OS            = if ($os) { $os } else { [System.Runtime.InteropServices.RuntimeInformation]::OSDescription }
        Kernel        = Get-FirstLine { uname -r }
        LoadAverage   = ((Get-FirstLine { Get-Content /proc/loadavg }) -split ' ' | Select-Object -First 3) -join ' '
        PowerShell    = $PSVersionTable.PSVersion.ToString()
        DotNet        = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        Module        = $moduleVersion
        DockerEngine  = if ($DockerHost) { Get-FirstLine { docker -H $DockerHost version --format '{{.Server.Version}}' } } else { '' }
        DockerCli     = Get-FirstLine { docker version --format '{{.Client.Version}}' }
        Skopeo        = (Get-FirstLine { skopeo --version }) -replace '^skopeo version\s*', ''
        Registry      = (Get-FirstLine { docker-registry --version }) -replace '^\S+\s+\S+\s+', ''
    }
}

function Format-BenchMachine {
    param([Parameter(Mandatory)] $Machine)

    $m = $Machine
    ("{0} cores ({1}), {2} GiB memory, {3}, kernel {4}; PowerShell {5} on {6}; OpenIm {7}; dockerd {8}, " +
        "docker CLI {9}, skopeo {10}, docker-registry {11}; load average at start: {12}.") -f
    $m.Cores, $m.Cpu, $m.MemoryGiB, $m.OS, $m.Kernel, $m.PowerShell, $m.DotNet, $m.Module, $m.DockerEngine,
    $m.DockerCli, $m.Skopeo, $m.Registry, $m.LoadAverage
}

function Format-BenchReport {
    <#
    .SYNOPSIS
    The Markdown of docs/benchmarks.md: the table, the machine, the network, per-scenario notes, the raw runs
    and the commands to reproduce.
    #>
    param(
        [Parameter(Mandatory)] [object[]] $Rows,
        [Parameter(Mandatory)] [string] $MachineLine,
        [Parameter(Mandatory)] [string] $NetworkLine,
        [string[]] $Notes = @(),
        [string] $Mode = 'Full',
        [string] $Started = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm') + ' UTC',
        [double] $Minutes = 0,
        [string[]] $Reproduce = @()
    )

    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('# Benchmarks')
    $lines.Add('')
    $lines.Add('<!-- Written by bench/Invoke-Benchmark.ps1; do not edit by hand: rerun the bench instead. -->')
    $lines.Add('')
    $what = if ($Mode -eq 'Smoke') {
        'A **smoke run**: every scenario once at tiny size, to show the harness works. The numbers mean nothing.'
    } else {
        'OpenIm.PowerShell against the tools an admin would use otherwise, in the local registry lab ' +
        '(tests/Lab): three registry stand-ins with added latency and bandwidth limits, and real dockerd engines.'
    }

    $duration = if ($Minutes -gt 0) { ', {0:0.0} minutes' -f $Minutes } else { '' }
    $lines.Add("$what Run of $Started$duration.")
    $lines.Add('')
    $lines.Add("**Machine:** $MachineLine")
    $lines.Add('')
    $lines.Add("**Network:** $NetworkLine")
    $lines.Add('')
    $lines.Add('Each scenario alternates the contenders (ours, peer, ours, peer, ...) after a warm-up round that is not ' +
        'counted. Medians over the counted runs; the ratio is ours / peer, the median of the per-run ratios (each run ' +
        'pairs one measurement of ours with the peer''s right after it), so a slow phase of the machine hits both sides of a pair.')
    $lines.Add('')
    $lines.Add('| # | Scenario | Ours (median) | Peer (median) | Ratio | Target | Met | Runs |')
    $lines.Add('|---|---|---|---|---|---|---|---|')
    foreach ($row in $Rows) {
        $ours = Format-BenchValue $row.OursMedian $row.Unit
        if ($row.OursLabel) { $ours = "$ours ($($row.OursLabel))" }
        $peer = if ($row.Peer.Count -gt 0) { Format-BenchValue $row.PeerMedian $row.Unit } else { '—' }
        if ($row.Peer.Count -gt 0 -and $row.PeerLabel) { $peer = "$peer ($($row.PeerLabel))" }
        $ratio = switch ($row.Kind) {
            'Ratio' { Format-BenchRatio $row.RatioMedian $row.Target }
            'Equal' { Format-BenchRatio $row.RatioMedian }
            default { '—' }
        }

        $met = if ($row.Met) { 'yes' } else { '**no**' }
        $lines.Add("| $($row.Id) | $($row.Scenario) | $ours | $peer | $ratio | $(Format-BenchTarget $row) | $met | $($row.Runs) |")
    }

    if ($Notes.Count -gt 0) {
        $lines.Add('')
        $lines.Add('## What each scenario measures')
        $lines.Add('')
        foreach ($note in $Notes) {
            $lines.Add(($note -replace '\s*\r?\n\s*', ' '))
            $lines.Add('')
        }
    }

    if ($Notes.Count -eq 0) { $lines.Add('') }
    $lines.Add('## Every run')
    $lines.Add('')
    $lines.Add('| # | ours | peer | ratio |')
    $lines.Add('|---|---|---|---|')
    foreach ($row in $Rows) {
        $ours = ($row.Ours | ForEach-Object { Format-BenchValue $_ $row.Unit }) -join ', '
        $peer = if ($row.Peer.Count -gt 0) { ($row.Peer | ForEach-Object { Format-BenchValue $_ $row.Unit }) -join ', ' } else { '—' }
        $ratio = if ($row.Ratios.Count -gt 0) { ($row.Ratios | ForEach-Object { '{0:0.00}' -f $_ }) -join ', ' } else { '—' }
        $lines.Add("| $($row.Id) | $ours | $peer | $ratio |")
    }

    if ($Reproduce.Count -gt 0) {
        $lines.Add('')
        $lines.Add('## Reproduce')
        $lines.Add('')
        $lines.Add('As root on Debian with the .NET SDK, from the repository root (the lab installs docker.io and ' +
            'docker-registry when missing; skopeo comes from `apt-get install skopeo`):')
        $lines.Add('')
        foreach ($command in $Reproduce) {
            $lines.Add("    $command")
        }
    }

    ($lines -join "`n") + "`n"
}

#endregion

Export-ModuleMember -Function @(
    'Write-BenchLog', 'Get-BenchMedian', 'New-BenchRow', 'Format-BenchValue', 'Format-BenchRatio', 'Format-BenchTarget',
    'Invoke-BenchRounds', 'Measure-BenchBlock', 'Invoke-BenchNative', 'Invoke-BenchChild',
    'Clear-BenchEngine', 'Get-BenchEngineArchitecture', 'Set-BenchNetwork', 'Get-BenchLabRequests',
    'Import-BenchImageType', 'Get-BenchTagNames', 'Publish-BenchImage', 'Get-BenchBackendTagCount',
    'Get-BenchMachine', 'Format-BenchMachine', 'Format-BenchReport'
)
