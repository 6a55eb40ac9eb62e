#Requires -Version 7.2
# The local registry lab: three registry stand-ins (Ghcr, Aliyun, DockerHub), each an open docker-registry
# behind a front of ours (LabFront), plus dockerd engines that pull through the fronts. README.md describes it.

Set-StrictMode -Version 3.0

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:FrontProject = Join-Path $PSScriptRoot 'LabFront/LabFront.csproj'
# LabFront builds, shared by every lab of this checkout (see Start-LabFrontBuild).
$script:FrontBuildRoot = Join-Path $script:RepoRoot 'out/labfront'
$script:StandIns = [ordered]@{
    Ghcr      = [ordered]@{ Namespace = 'openimsdk'; Service = 'ghcr.io' }
    Aliyun    = [ordered]@{ Namespace = 'openimsdk'; Service = 'registry.aliyuncs.com:cn-hangzhou:26842' }
    DockerHub = [ordered]@{ Namespace = 'openim'; Service = 'registry.docker.io' }
}

# Commands the lab runs, and the Debian package that brings each.
$script:Prerequisites = [ordered]@{
    dockerd           = 'docker.io'
    docker            = 'docker.io'
    containerd        = 'containerd'
    'docker-registry' = 'docker-registry'
    unshare           = 'util-linux'
    mount             = 'mount'
}

# The kernel limit for a unix socket path is 108 bytes including the terminating zero.
$script:SocketPathLimit = 107

# Filled on first use: whether this host lets dockerd run in its own mount namespace, and a client for probes.
$script:CanUnshare = $null
$script:ProbeClient = $null
# The LabFront build lock while this session holds it (Lock-LabFrontWork).
$script:FrontBuildLock = $null

function Assert-OpenImLabPrerequisite {
    <#
    .SYNOPSIS
    Makes sure the programs the lab runs are installed.
    .DESCRIPTION
    Checks for dockerd, docker, containerd, docker-registry, unshare and mount. When some are missing and
    this runs as root on Debian, installs their packages with apt-get (saying so in one line); elsewhere it
    throws with the exact command to run. Also checks for root, which dockerd and the lab's tmpfs need, and
    for dotnet, which builds the front.
    .EXAMPLE
    Assert-OpenImLabPrerequisite
    #>
    [CmdletBinding()]
    param()

    $missing = @($script:Prerequisites.Keys |
            Where-Object { -not (Get-Command $_ -CommandType Application -ErrorAction Ignore) })
    $packages = @($missing | ForEach-Object { $script:Prerequisites[$_] } | Select-Object -Unique)
    $isRoot = (& id -u) -eq '0'
    if ($packages) {
        $command = "apt-get update && apt-get install -y $($packages -join ' ')"
        if ($isRoot -and (Test-Path /etc/debian_version)) {
            Write-Host "Installing the lab's missing Debian packages: $($packages -join ', ')"
            & apt-get update -qq | Out-Null
            & apt-get install -y -qq @packages | Out-Null
            if ($LASTEXITCODE -ne 0) {
                throw "apt-get could not install $($packages -join ', '); run: $command"
            }
        } else {
            throw "The lab needs $($missing -join ', '); install them with: sudo sh -c '$command'"
        }
    }

    if (-not $isRoot) {
        throw 'The lab runs dockerd and mounts a tmpfs, which need root; run it as root (sudo).'
    }

    if (-not (Get-Command dotnet -CommandType Application -ErrorAction Ignore)) {
        throw 'The lab builds its registry front with the .NET SDK; install it and put dotnet on PATH.'
    }
}

function Start-OpenImLab {
    <#
    .SYNOPSIS
    Starts the registry lab and returns its description (also written to <RunRoot>/lab.json).
    .DESCRIPTION
    Builds LabFront unless a build of the same sources is kept in <repo>/out/labfront (in the background,
    while the rest starts), picks free loopback ports, starts three docker-registry backends, the dockerd
    engines and the front (three stand-ins plus the admin port), writes the seed straight into the backends'
    storage, waits until all answer, and writes lab.json. Volatile state (registry storage, engine data)
    lives on a tmpfs mounted at <RunRoot>/state. Sets $env:OPENIM_LAB to the lab.json path for this process
    and its children.
    A lab still recorded in the same run root is stopped first. If anything fails to start, everything
    started so far is stopped and the error carries the tail of the failing process's log.
    .PARAMETER RunRoot
    Folder for everything the lab writes; default <repo>/out/lab.
    .PARAMETER Engines
    How many dockerd engines to start (0 to 8); default 2.
    .PARAMETER LatencyMs
    Milliseconds every stand-in adds to each request from the start; change it later with Set-OpenImLabLatency.
    .PARAMETER SeedOverApi
    Seeds over the registry API (6,462 requests, 5 to 10 s more) instead of writing the backends' storage
    directly; the reference the storage writer is compared with.
    .EXAMPLE
    $lab = Start-OpenImLab
    $ghcr = $lab.Registries | Where-Object Name -eq Ghcr
    docker -H $lab.Engines[0].DockerHost pull "$($ghcr.Host)/openimsdk/openim-server:v3.8.3"
    #>
    [CmdletBinding()]
    param(
        [string] $RunRoot,
        [ValidateRange(0, 8)] [int] $Engines = 2,
        [ValidateRange(0, 60000)] [int] $LatencyMs = 0,
        [switch] $SeedOverApi
    )

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    Assert-OpenImLabPrerequisite
    $RunRoot = Resolve-LabRunRoot $RunRoot
    $null = New-Item -ItemType Directory -Force -Path $RunRoot

    # A lab still recorded here holds the ports, files and mounts this start is about to reuse.
    if (Test-Path (Join-Path $RunRoot 'pids.json')) {
        Write-Verbose "Stopping the lab still recorded in $RunRoot."
        $null = Stop-OpenImLab -RunRoot $RunRoot
    }

    $paths = New-LabLayout -RunRoot $RunRoot -Engines $Engines
    Write-Verbose ('Run folders ready at {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
    $state = [ordered]@{
        RunRoot    = $RunRoot
        StateMount = $paths.StateMount
        SocketRoot = $paths.SocketRoot
        Processes  = [System.Collections.Generic.List[object]]::new()
    }
    Save-LabState $state

    # A build of LabFront takes seconds; the registries and engines start meanwhile, as they do not need it.
    $build = $null
    try {
        $build = Start-LabFrontBuild -State $state -Log (Join-Path $paths.Logs 'labfront-build.log')
    } catch {
        $reason = $_
        Unlock-LabFrontWork $null
        $null = Stop-OpenImLab -RunRoot $RunRoot
        throw "The lab did not start: $reason"
    }

    $ports = Get-LabFreePort -Count ($script:StandIns.Count * 2 + 1)
    $password = [Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(12)).ToLowerInvariant()
    $registries = [ordered]@{}
    # Ports: the fronts first, then their backends in the same order, then the admin port.
    $index = 0
    $backendOffset = $script:StandIns.Count
    foreach ($name in $script:StandIns.Keys) {
        $lower = $name.ToLowerInvariant()
        $registries[$name] = [ordered]@{
            Name        = $name
            Uri         = "http://127.0.0.1:$($ports[$index])"
            Host        = "127.0.0.1:$($ports[$index])"
            Port        = $ports[$index]
            Namespace   = $script:StandIns[$name].Namespace
            Service     = $script:StandIns[$name].Service
            Backend     = "http://127.0.0.1:$($ports[$index + $backendOffset])"
            BackendPort = $ports[$index + $backendOffset]
            Storage     = Join-Path $paths.State "registry/$lower"
            Config      = Join-Path $paths.Config "registry-$lower.yml"
            Log         = Join-Path $paths.Logs "registry-$lower.log"
            Pid         = $null
        }
        $index++
    }

    $adminPort = $ports[-1]
    $frontConfig = Join-Path $paths.Config 'labfront.json'
    $seedSummary = Join-Path $paths.Logs 'seed.json'
    [ordered]@{
        AdminPort       = $adminPort
        User            = 'openim-lab'
        Password        = $password
        SeedOverApi     = [bool]$SeedOverApi
        SeedSummaryPath = $seedSummary
        Registries      = @($registries.Values | ForEach-Object {
                [ordered]@{
                    Name = $_.Name; Port = $_.Port; Backend = $_.Backend; Storage = $_.Storage
                    Namespace = $_.Namespace; LatencyMs = $LatencyMs
                }
            })
    } | ConvertTo-Json -Depth 5 | Set-Content -Path $frontConfig

    $engineList = [System.Collections.Generic.List[object]]::new()
    $waits = [System.Collections.Generic.List[object]]::new()
    $started = $null
    try {
        # The front and the seeder take longest to get going, so with LabFront already built they go first.
        # Registry 2.8 without a cache section reads storage on every request, so the seeder may write it before,
        # while or after the registries start: nothing asks them anything before this function returns.
        if (-not $build.Started) {
            $started = Start-LabFront -State $state -Executable (Complete-LabFrontBuild -State $state -Build $build) `
                -Config $frontConfig -Logs $paths.Logs
        }

        foreach ($registry in $registries.Values) {
            $null = New-Item -ItemType Directory -Force -Path $registry.Storage
            Write-RegistryConfig -Path $registry.Config -Storage $registry.Storage -Port $registry.BackendPort
            # A larger GC target trades a little memory for quicker answers: registry 2.8 allocates a lot per request.
            $process = Start-LabProcess -State $state -Name "registry-$($registry.Name)" -Kind registry `
                -Command @('docker-registry', 'serve', $registry.Config) -Log $registry.Log -Environment @{ GOGC = '400' }
            $registry.Pid = $process.Id
            $waits.Add(@{
                    Name = "registry-$($registry.Name)"; Process = $process; Log = $registry.Log
                    Http = "$($registry.Backend)/v2/"
                })
        }

        for ($n = 1; $n -le $Engines; $n++) {
            $engine = Start-LabEngine -State $state -Paths $paths -Number $n
            $engineList.Add($engine.Description)
            $waits.Add(@{
                    Name = $engine.Description.Name; Process = $engine.Process; Log = $engine.Description.Log
                    Socket = $engine.Socket
                })
        }

        if (-not $started) {
            Write-Verbose ('Registries and engines started at {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
            $front = Complete-LabFrontBuild -State $state -Build $build
            Write-Verbose ('LabFront built at {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
            $started = Start-LabFront -State $state -Executable $front -Config $frontConfig -Logs $paths.Logs
        }

        $seed = $started.Seed
        $seedLog = $started.SeedLog
        $frontProcess = $started.Front
        $frontLog = $started.FrontLog
        $waits.Add(@{
                Name = 'labfront'; Process = $frontProcess; Log = $frontLog
                Http = "http://127.0.0.1:$adminPort/lab/health"
            })

        Write-Verbose ('Processes started at {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
        Wait-LabReady -Waits $waits -TimeoutSeconds 30
        Write-Verbose ('Processes answer at {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
        if (-not $seed.WaitForExit(300000) -or $seed.ExitCode -ne 0) {
            throw "Seeding failed.`n$(Get-LabLogTail $seedLog)"
        }

        Remove-LabProcessRecord -State $state -Kind seed
        Write-Verbose ('Seeded at {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
    } catch {
        $reason = $_
        Unlock-LabFrontWork $build

        $null = Stop-OpenImLab -RunRoot $RunRoot
        throw "The lab did not start: $reason"
    }

    $labFile = Join-Path $RunRoot 'lab.json'
    $lab = [ordered]@{
        Version         = 1
        LabFile         = $labFile
        RunRoot         = $RunRoot
        StartedAt       = [DateTimeOffset]::UtcNow.ToString('o')
        StartSeconds    = [Math]::Round($clock.Elapsed.TotalSeconds, 2)
        BuildSeconds    = $build.Seconds
        Admin           = "http://127.0.0.1:$adminPort"
        AdminPort       = $adminPort
        PrivateUser     = 'openim-lab'
        PrivatePassword = $password
        Registries      = @($registries.Values)
        Engines         = $engineList
        Front           = [ordered]@{
            Pid = $frontProcess.Id; Log = $frontLog; Config = $frontConfig; Executable = $build.Executable
        }
        Seed            = Get-Content -Raw $seedSummary | ConvertFrom-Json
        StateMount      = $paths.StateMount
        SocketRoot      = $paths.SocketRoot
        Logs            = $paths.Logs
    }
    $lab | ConvertTo-Json -Depth 8 | Set-Content -Path $labFile
    $env:OPENIM_LAB = $labFile
    Write-Verbose ('Lab started in {0:0.00} s; {1}' -f $clock.Elapsed.TotalSeconds, $labFile)
    Get-OpenImLab -RunRoot $RunRoot
}

function Stop-OpenImLab {
    <#
    .SYNOPSIS
    Stops exactly the processes Start-OpenImLab recorded, and reports what it stopped.
    .DESCRIPTION
    Reads <RunRoot>/pids.json (written while the lab starts, so a start that failed halfway is covered too),
    sends SIGTERM to every recorded process that is still the same process (pid and start time match),
    waits, and sends SIGKILL to any that outlive the timeout. dockerd stops its own containerd on SIGTERM;
    a containerd left by a killed dockerd is killed by the pid it recorded. Then unmounts the lab's tmpfs
    and removes pids.json and lab.json. Logs stay in <RunRoot>/logs.
    .PARAMETER RunRoot
    The lab's run root; default <repo>/out/lab, or the folder of $env:OPENIM_LAB.
    .PARAMETER TimeoutSeconds
    How long to wait after SIGTERM before SIGKILL; default 15.
    .EXAMPLE
    Stop-OpenImLab | Format-Table
    #>
    [CmdletBinding()]
    param(
        [string] $RunRoot,
        [ValidateRange(1, 300)] [int] $TimeoutSeconds = 15
    )

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $RunRoot = Resolve-LabRunRoot $RunRoot
    $stateFile = Join-Path $RunRoot 'pids.json'
    if (-not (Test-Path $stateFile)) {
        Write-Verbose "No lab is recorded in $RunRoot."
        return
    }

    $state = Get-Content -Raw $stateFile | ConvertFrom-Json
    $kill = (Get-Command kill -CommandType Application | Select-Object -First 1).Source
    $results = foreach ($process in @($state.Processes)) {
        $alive = Test-LabProcessAlive $process
        if ($alive) {
            & $kill -s TERM $process.Pid 2>$null
        }

        [pscustomobject]@{
            Name    = $process.Name
            Pid     = $process.Pid
            Signal  = if ($alive) { 'TERM' } else { $null }
            Result  = if ($alive) { 'Stopping' } else { 'AlreadyGone' }
            Seconds = $null
            Record  = $process
        }
    }

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (@($results | Where-Object Result -eq 'Stopping').Count -gt 0) {
        foreach ($result in @($results | Where-Object Result -eq 'Stopping')) {
            if (-not (Test-LabProcessAlive $result.Record)) {
                $result.Result = 'Stopped'
                $result.Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 2)
            } elseif ([DateTime]::UtcNow -gt $deadline) {
                & $kill -s KILL $result.Pid 2>$null
                $result.Signal = 'KILL'
                $result.Result = 'Killed'
                $result.Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 2)
            }
        }

        Start-Sleep -Milliseconds 25
    }

    # A dockerd that had to be killed leaves its containerd behind; it recorded that pid in its exec-root.
    foreach ($process in @($state.Processes | Where-Object Kind -eq 'engine')) {
        $pidFile = Join-Path $process.ExecRoot 'containerd/containerd.pid'
        $containerd = if (Test-Path $pidFile) { (Get-Content -Raw $pidFile).Trim() } else { '' }
        if ($containerd -match '^\d+$' -and (Test-Path "/proc/$containerd/cmdline")) {
            $commandLine = (Get-Content -Raw "/proc/$containerd/cmdline") -replace "`0", ' '
            if ($commandLine -like "*$($process.ExecRoot)*") {
                & $kill -s KILL $containerd 2>$null
                $results = @($results) + [pscustomobject]@{
                    Name = "$($process.Name)-containerd"; Pid = [int]$containerd; Signal = 'KILL'; Result = 'Killed'
                    Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 2); Record = $null
                }
            }
        }
    }

    if ($state.StateMount -and (Test-LabMountPoint $state.StateMount)) {
        & umount -n $state.StateMount 2>$null
        if ($LASTEXITCODE -ne 0) {
            # Something still holds a file there; a lazy unmount frees the memory once it lets go.
            & umount -n --lazy $state.StateMount
        }
    }

    if ($state.SocketRoot -and $state.SocketRoot -like '/tmp/oiml-*' -and (Test-Path $state.SocketRoot)) {
        Remove-Item -Recurse -Force -Path $state.SocketRoot -ErrorAction SilentlyContinue
    }

    $labFile = Join-Path $RunRoot 'lab.json'
    Remove-Item -Force -Path $stateFile, $labFile -ErrorAction SilentlyContinue
    if ($env:OPENIM_LAB -and [System.IO.Path]::GetFullPath($env:OPENIM_LAB) -eq $labFile) {
        Remove-Item Env:OPENIM_LAB
    }

    Write-Verbose ('Lab stopped in {0:0.00} s.' -f $clock.Elapsed.TotalSeconds)
    $results | Select-Object Name, Pid, Signal, Result, Seconds
}

function Get-OpenImLab {
    <#
    .SYNOPSIS
    Reads the running lab's description (lab.json).
    .DESCRIPTION
    Reads <RunRoot>/lab.json when -RunRoot is given, else the file (or folder holding lab.json) that
    $env:OPENIM_LAB names, else <repo>/out/lab/lab.json. Throws when no lab is running there.
    .PARAMETER RunRoot
    The lab's run root.
    .EXAMPLE
    (Get-OpenImLab).Registries | Where-Object Name -eq DockerHub | Select-Object -ExpandProperty Uri
    #>
    [CmdletBinding()]
    param([string] $RunRoot)

    $file = if ($RunRoot) {
        Join-Path (Resolve-LabRunRoot $RunRoot) 'lab.json'
    } elseif ($env:OPENIM_LAB) {
        if (Test-Path -PathType Container $env:OPENIM_LAB) { Join-Path $env:OPENIM_LAB 'lab.json' } else { $env:OPENIM_LAB }
    } else {
        Join-Path (Resolve-LabRunRoot '') 'lab.json'
    }

    if (-not (Test-Path $file)) {
        throw "No lab is running at $file; start one with Start-OpenImLab (tests/Lab/Lab.psm1)."
    }

    Get-Content -Raw $file | ConvertFrom-Json
}

function Set-OpenImLabFault {
    <#
    .SYNOPSIS
    Switches a fault on for one or more stand-ins.
    .DESCRIPTION
    Faults apply in the order they were set; the first whose Match fits a request answers it. Modes:
    Unavailable (503), RateLimit (429 TOOMANYREQUESTS), Drop (connection aborted, no answer), Slow (wait
    DelayMs, then answer), WrongDigest (manifest answers carry a wrong Docker-Content-Digest), Denied (403
    DENIED), Garbage (200 with malformed JSON), Html (502 HTML page), Down (new connections closed before
    any HTTP; requests on open connections dropped), None (clears all faults of the stand-in).
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub; several at once are allowed.
    .PARAMETER Mode
    The fault, as listed above.
    .PARAMETER Count
    Only the next Count matching requests (connections, for Down); without it the fault stays until cleared.
    .PARAMETER Match
    A regular expression on the request path, e.g. '/tags/list', '/blobs/', '/token'. Down ignores it.
    .PARAMETER DelayMs
    The wait of Slow; default 5000.
    .PARAMETER RetryAfter
    Seconds sent in Retry-After with Unavailable, RateLimit and others; RateLimit defaults to 60.
    .EXAMPLE
    Set-OpenImLabFault -Registry Ghcr -Mode Unavailable -Count 2 -RetryAfter 1
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry,
        [Parameter(Mandatory)]
        [ValidateSet('Unavailable', 'RateLimit', 'Drop', 'Slow', 'WrongDigest', 'Denied', 'Garbage', 'Html', 'Down', 'None')]
        [string] $Mode,
        [ValidateRange(1, [int]::MaxValue)] [int] $Count,
        [string] $Match,
        [ValidateRange(0, 600000)] [int] $DelayMs,
        [ValidateRange(0, 86400)] [int] $RetryAfter
    )

    $body = @{ mode = $Mode.ToLowerInvariant() }
    foreach ($name in 'Count', 'Match', 'DelayMs', 'RetryAfter') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $body[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $PSBoundParameters[$name]
        }
    }

    foreach ($name in $Registry) {
        Invoke-LabAdmin -Method Post -Path "/lab/$name/fault" -Body $body
    }
}

function Clear-OpenImLabFault {
    <#
    .SYNOPSIS
    Switches all faults off on the given stand-ins (all three by default).
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub.
    .EXAMPLE
    Clear-OpenImLabFault
    #>
    [CmdletBinding()]
    param([ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry = @($script:StandIns.Keys))

    foreach ($name in $Registry) {
        Invoke-LabAdmin -Method Delete -Path "/lab/$name/fault"
    }
}

function Set-OpenImLabRateLimit {
    <#
    .SYNOPSIS
    Sets a stand-in's pull quota (Docker Hub's by default).
    .DESCRIPTION
    Manifest GETs count against the quota and carry ratelimit-limit and ratelimit-remaining headers; HEAD
    reports without counting. When the quota is used, manifest GETs answer 429 TOOMANYREQUESTS with
    Retry-After until the window ends. Parameters left out keep their value; setting Limit without Remaining
    refills the quota. A limit of 0 switches counting off (the default on Ghcr and Aliyun).
    .PARAMETER Registry
    The stand-in; default DockerHub.
    .PARAMETER Limit
    Pulls per window; Docker Hub's anonymous default is 100.
    .PARAMETER Remaining
    Pulls left in the current window.
    .PARAMETER WindowSeconds
    Window length; default 21600 (six hours).
    .PARAMETER RetryAfter
    Fixed Retry-After for 429 answers; without it, the seconds left in the window.
    .EXAMPLE
    Set-OpenImLabRateLimit -Limit 3 -RetryAfter 30
    #>
    [CmdletBinding()]
    param(
        [ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry = 'DockerHub',
        [ValidateRange(0, [int]::MaxValue)] [int] $Limit,
        [ValidateRange(0, [int]::MaxValue)] [int] $Remaining,
        [ValidateRange(1, [int]::MaxValue)] [int] $WindowSeconds,
        [ValidateRange(0, 86400)] [int] $RetryAfter
    )

    $body = @{}
    foreach ($name in 'Limit', 'Remaining', 'WindowSeconds', 'RetryAfter') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $body[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $PSBoundParameters[$name]
        }
    }

    foreach ($name in $Registry) {
        Invoke-LabAdmin -Method Post -Path "/lab/$name/ratelimit" -Body $body
    }
}

function Set-OpenImLabLatency {
    <#
    .SYNOPSIS
    Sets the delay a stand-in adds to every request, and optionally a bandwidth limit for blob bodies.
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub; several at once are allowed.
    .PARAMETER Milliseconds
    Added to every request, tokens included.
    .PARAMETER BandwidthBytesPerSecond
    Paces blob downloads to this rate; 0 removes the limit.
    .EXAMPLE
    Set-OpenImLabLatency -Registry Ghcr -Milliseconds 300
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry,
        [ValidateRange(0, 600000)] [int] $Milliseconds,
        [ValidateRange(0, [long]::MaxValue)] [long] $BandwidthBytesPerSecond
    )

    $body = @{}
    if ($PSBoundParameters.ContainsKey('Milliseconds')) { $body.ms = $Milliseconds }
    if ($PSBoundParameters.ContainsKey('BandwidthBytesPerSecond')) {
        $body.bandwidthBytesPerSecond = $BandwidthBytesPerSecond
    }

    foreach ($name in $Registry) {
        Invoke-LabAdmin -Method Post -Path "/lab/$name/latency" -Body $body
    }
}

function Set-OpenImLabTokenLifetime {
    <#
    .SYNOPSIS
    Sets the lifetime (expires_in) of tokens a stand-in issues from now on, or revokes its tokens.
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub; several at once are allowed.
    .PARAMETER Seconds
    Lifetime of new tokens; the default is 300.
    .PARAMETER Revoke
    Forgets every token issued so far, so the next request of each client meets a fresh challenge.
    .EXAMPLE
    Set-OpenImLabTokenLifetime -Registry Aliyun -Seconds 2
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry,
        [ValidateRange(1, 86400)] [int] $Seconds,
        [switch] $Revoke
    )

    $body = @{ revoke = [bool]$Revoke }
    if ($PSBoundParameters.ContainsKey('Seconds')) { $body.expiresIn = $Seconds }
    foreach ($name in $Registry) {
        Invoke-LabAdmin -Method Post -Path "/lab/$name/tokens" -Body $body
    }
}

function Get-OpenImLabStats {
    <#
    .SYNOPSIS
    Returns the request counts and recent requests of stand-ins, for counting round trips in tests.
    .DESCRIPTION
    One object per stand-in with Registry, Total and the counts by kind: Ping (GET /v2/), Token, Tags,
    Manifest, Blob (blob fetches), Other. Requests lists the last 1000 requests with time, kind, method,
    path, status (0 for a dropped connection) and milliseconds. RefusedConnections counts connections
    closed by the Down fault.
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub; all three by default.
    .EXAMPLE
    (Get-OpenImLabStats -Registry Ghcr).Manifest
    #>
    [CmdletBinding()]
    param([ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry = @($script:StandIns.Keys))

    foreach ($name in $Registry) {
        Invoke-LabAdmin -Method Get -Path "/lab/$name/stats"
    }
}

function Reset-OpenImLabStats {
    <#
    .SYNOPSIS
    Clears the request counts and recent requests of stand-ins (all three by default).
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub.
    .EXAMPLE
    Reset-OpenImLabStats -Registry DockerHub
    #>
    [CmdletBinding()]
    param([ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string[]] $Registry = @($script:StandIns.Keys))

    foreach ($name in $Registry) {
        $null = Invoke-LabAdmin -Method Post -Path "/lab/$name/stats/reset"
    }
}

function Reset-OpenImLab {
    <#
    .SYNOPSIS
    Puts every stand-in back to its start settings: no faults, full quotas, start latency, token lifetime 300 s,
    stats cleared. Tags moved with Move-OpenImLabTag stay where they were moved.
    .EXAMPLE
    Reset-OpenImLab
    #>
    [CmdletBinding()]
    param()

    $null = Invoke-LabAdmin -Method Post -Path '/lab/reset'
}

function Move-OpenImLabTag {
    <#
    .SYNOPSIS
    Points a tag at the manifest another tag (or a digest) names, as a rolling tag moves on a new push.
    .DESCRIPTION
    Reads the manifest of -To from the stand-in's backend and pushes it again under -Tag.
    .PARAMETER Registry
    Ghcr, Aliyun or DockerHub.
    .PARAMETER Image
    The image under the stand-in's namespace (openim-server), or a full name (private/openim-server).
    .PARAMETER Tag
    The tag to move (or create).
    .PARAMETER To
    An existing tag or a sha256: digest in the same repository.
    .EXAMPLE
    Move-OpenImLabTag -Registry Ghcr -Image openim-server -Tag release-v3.8 -To v3.8.3-patch.15
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('Ghcr', 'Aliyun', 'DockerHub')] [string] $Registry,
        [Parameter(Mandatory)] [string] $Image,
        [Parameter(Mandatory)] [string] $Tag,
        [Parameter(Mandatory)] [string] $To
    )

    Invoke-LabAdmin -Method Post -Path "/lab/$Registry/retag" -Body @{ image = $Image; tag = $Tag; to = $To }
}

# ---- Helpers, not exported ----

function Resolve-LabRunRoot([string] $RunRoot) {
    if ($RunRoot) {
        return [System.IO.Path]::GetFullPath($RunRoot)
    }

    if ($env:OPENIM_LAB) {
        $path = [System.IO.Path]::GetFullPath($env:OPENIM_LAB)
        return (Test-Path -PathType Container $path) ? $path : [System.IO.Path]::GetDirectoryName($path)
    }

    Join-Path $script:RepoRoot 'out/lab'
}

function Get-LabFrontSourceHash {
    # Content, not timestamps: a checkout or a branch switch that only touches the files must not cost a build.
    $folder = Split-Path $script:FrontProject
    $sources = Get-ChildItem -Path $folder -Recurse -File -Include '*.cs', '*.csproj', '*.json' |
        Where-Object FullName -notmatch '[\\/](bin|obj)[\\/]' |
        Sort-Object { [System.IO.Path]::GetRelativePath($folder, $_.FullName) } -CaseSensitive
    $hash = [System.Security.Cryptography.IncrementalHash]::CreateHash('SHA256')
    foreach ($source in $sources) {
        # Names too, so that renaming a file counts as a change.
        $name = [System.IO.Path]::GetRelativePath($folder, $source.FullName)
        $hash.AppendData([System.Text.Encoding]::UTF8.GetBytes("$name`n"))
        $hash.AppendData([System.IO.File]::ReadAllBytes($source.FullName))
    }

    $project = [System.Security.Cryptography.SHA256]::HashData([System.IO.File]::ReadAllBytes($script:FrontProject))
    [pscustomobject]@{
        Sources = [Convert]::ToHexString($hash.GetHashAndReset()).ToLowerInvariant()
        Project = [Convert]::ToHexString($project).ToLowerInvariant()
    }
}

function Start-LabFrontBuild($State, [string] $Log) {
    # Returns at once. LabFront builds are kept under out/labfront by the hash of their sources and shared by
    # every lab of this checkout, whatever its run folder: a start either finds the build of its sources there,
    # or begins one in the background in out/labfront/work (incremental, one start at a time).
    $hash = Get-LabFrontSourceHash
    $folder = Join-Path $script:FrontBuildRoot $hash.Sources.Substring(0, 16)
    $build = [pscustomobject]@{
        Hash       = $hash
        Folder     = $folder
        Executable = Join-Path $folder 'LabFront'
        Log        = $Log
        Lock       = $null
        Process    = $null
        Restore    = $false
        Started    = $null
        Seconds    = 0
    }
    if (Test-LabFrontBuilt $build) {
        return $build
    }

    $null = New-Item -ItemType Directory -Force -Path $script:FrontBuildRoot
    $build.Started = [DateTime]::Now
    $build.Lock = Lock-LabFrontWork -TimeoutSeconds 0
    if ($build.Lock) {
        Start-LabFrontBuildProcess -State $State -Build $build
    }

    $build
}

function Start-LabFront($State, [string] $Executable, [string] $Config, [string] $Logs) {
    # One executable, two processes: the seeder writes the backends' storage while the front starts serving.
    $seedLog = Join-Path $Logs 'seed.log'
    $seed = Start-LabProcess -State $State -Name 'seed' -Kind seed -Log $seedLog `
        -Command @($Executable, 'seed', '--config', $Config)
    $frontLog = Join-Path $Logs 'labfront.log'
    $front = Start-LabProcess -State $State -Name 'labfront' -Kind front `
        -Command @($Executable, 'serve', '--config', $Config) -Log $frontLog
    @{ Seed = $seed; SeedLog = $seedLog; Front = $front; FrontLog = $frontLog }
}

function Complete-LabFrontBuild($State, $Build) {
    # Waits for the build Start-LabFrontBuild began, or for another start's, and returns the LabFront executable.
    if (-not $Build.Started) {
        return $Build.Executable
    }

    try {
        if (-not $Build.Lock) {
            # Another start is building; when it is done, what it built may be these very sources.
            Write-Verbose 'Waiting for another lab that is building LabFront.'
            $Build.Lock = Lock-LabFrontWork -TimeoutSeconds 600
            if (-not (Test-LabFrontBuilt $Build)) {
                Start-LabFrontBuildProcess -State $State -Build $Build
            }
        }

        if ($Build.Process) {
            Wait-LabFrontBuildProcess -State $State -Build $Build
            if ($Build.Process.ExitCode -ne 0 -and -not $Build.Restore -and
                -not (Select-String -Path $Build.Log -Pattern ': error CS\d+:' -Quiet)) {
                # Not the code but what the build relied on (another SDK, a damaged obj folder): once more from scratch.
                Remove-Item -Recurse -Force -Path (Join-Path $script:FrontBuildRoot 'work')
                Start-LabFrontBuildProcess -State $State -Build $Build -Restore
                Wait-LabFrontBuildProcess -State $State -Build $Build
            }

            $work = Join-Path $script:FrontBuildRoot 'work'
            $output = Join-Path $work 'bin/LabFront/release'
            if ($Build.Process.ExitCode -ne 0 -or -not (Test-Path (Join-Path $output 'LabFront'))) {
                throw "Building LabFront failed.`n$(Get-LabLogTail $Build.Log -Lines 40)"
            }

            # Labs run from a copy, never from the work folder: the next build rewrites files a running lab maps.
            $partial = "$($Build.Folder).partial-$PID"
            Remove-Item -Recurse -Force -Path $partial, $Build.Folder -ErrorAction Ignore
            Copy-Item -Recurse -Path $output -Destination $partial
            $null = New-Item -ItemType File -Path (Join-Path $partial 'built')
            Move-Item -Path $partial -Destination $Build.Folder
            Set-Content -Path (Join-Path $work 'restored.txt') -Value $Build.Hash.Project
            Remove-LabFrontOldBuild -Keep $Build.Folder
        }
    } finally {
        Unlock-LabFrontWork $Build
    }

    $end = if ($Build.Process) { $Build.Process.ExitTime } else { [DateTime]::Now }
    $Build.Seconds = [Math]::Round(($end - $Build.Started).TotalSeconds, 2)
    $Build.Executable
}

function Test-LabFrontBuilt($Build) {
    (Test-Path (Join-Path $Build.Folder 'built')) -and (Test-Path $Build.Executable)
}

function Lock-LabFrontWork([double] $TimeoutSeconds) {
    # An exclusive open takes an flock on Linux: one start builds at a time, and the lock goes with its process.
    # A start interrupted in this session (Ctrl+C) left its lock open here, where it would block this one.
    if ($script:FrontBuildLock) {
        $script:FrontBuildLock.Dispose()
        $script:FrontBuildLock = $null
    }

    $path = Join-Path $script:FrontBuildRoot 'work.lock'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        try {
            $script:FrontBuildLock = [System.IO.File]::Open($path, 'OpenOrCreate', 'ReadWrite', 'None')
            return $script:FrontBuildLock
        } catch [System.IO.IOException] {
            if ([DateTime]::UtcNow -ge $deadline) {
                if ($TimeoutSeconds -gt 0) {
                    throw "Another lab has been building LabFront in $script:FrontBuildRoot for $TimeoutSeconds s."
                }

                return $null
            }

            Start-Sleep -Milliseconds 100
        }
    }
}

function Unlock-LabFrontWork($Build) {
    # Also after a failed start, so another start waiting to build LabFront can go on.
    if ($script:FrontBuildLock) {
        $script:FrontBuildLock.Dispose()
        $script:FrontBuildLock = $null
    }

    if ($Build) {
        $Build.Lock = $null
    }
}

function Start-LabFrontBuildProcess($State, $Build, [switch] $Restore) {
    # Restoring evaluates the project a second time; with the project file unchanged its result still holds.
    $work = Join-Path $script:FrontBuildRoot 'work'
    $restored = Join-Path $work 'restored.txt'
    $Build.Restore = $Restore -or -not (Test-Path $restored) -or
        -not (Test-Path "$work/obj/LabFront/project.assets.json") -or
        (Get-Content -Raw $restored).Trim() -ne $Build.Hash.Project

    $command = @(
        'dotnet', 'build', $script:FrontProject, '-c', 'Release', '--artifacts-path', $work, '-nologo', '-v', 'quiet'
    )
    if (-not $Build.Restore) {
        $command += '--no-restore'
    }

    Write-Verbose "Building LabFront in $work$(if (-not $Build.Restore) { ' (no restore)' })."
    # No first-run banner, telemetry or workload check: each costs the build time for nothing here.
    $environment = @{
        DOTNET_NOLOGO                             = '1'
        DOTNET_CLI_TELEMETRY_OPTOUT               = '1'
        DOTNET_SKIP_FIRST_TIME_EXPERIENCE         = '1'
        DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE = '1'
    }
    $Build.Process = Start-LabProcess -State $State -Name 'labfront-build' -Kind build -Command $command `
        -Log $Build.Log -Environment $environment
}

function Wait-LabFrontBuildProcess($State, $Build) {
    $Build.Process.WaitForExit()
    Remove-LabProcessRecord -State $State -Kind build
}

function Remove-LabFrontOldBuild([string] $Keep) {
    # Called under the work lock, so no copy is under way. A few builds stay for labs of other branches; the
    # files of a build a running lab still uses stay readable to it after removal, as Linux keeps them open.
    $folders = @(Get-ChildItem -Directory -Path $script:FrontBuildRoot | Where-Object Name -ne 'work')
    $partial = @($folders | Where-Object Name -like '*.partial-*')
    $builtAt = { (Get-Item (Join-Path $_.FullName 'built') -ErrorAction Ignore)?.LastWriteTimeUtc }
    $old = @($folders |
            Where-Object { $_.Name -notlike '*.partial-*' -and $_.FullName -ne $Keep } |
            Sort-Object $builtAt -Descending |
            Select-Object -Skip 3)
    ($partial + $old) | Remove-Item -Recurse -Force -ErrorAction Ignore
}

function Remove-LabProcessRecord($State, [string] $Kind) {
    # A process that ended on its own is no longer the lab's to stop.
    foreach ($record in @($State.Processes | Where-Object Kind -eq $Kind)) {
        $null = $State.Processes.Remove($record)
    }

    Save-LabState $State
}

function New-LabLayout([string] $RunRoot, [int] $Engines) {
    $state = Join-Path $RunRoot 'state'
    $paths = [ordered]@{
        Config     = Join-Path $RunRoot 'config'
        Logs       = Join-Path $RunRoot 'logs'
        State      = $state
        StateMount = $null
        SocketRoot = $null
    }

    # A tmpfs keeps the thousands of small files of registry storage off the disk, where each costs an fsync
    # during the seed and a slow delete at the next start; unmounting it wipes the run in one step.
    if (Test-LabMountPoint $state) {
        & umount -n $state
    }

    # Older labs kept a seed cache and their own LabFront build here; neither is used any more.
    foreach ($old in 'cache', 'build') {
        $folder = Join-Path $RunRoot $old
        if (Test-Path $folder) {
            Remove-Item -Recurse -Force -Path $folder
        }
    }

    foreach ($folder in $paths.Config, $paths.Logs, $state) {
        if (Test-Path $folder) {
            Remove-Item -Recurse -Force -Path $folder
        }

        $null = New-Item -ItemType Directory -Force -Path $folder
    }

    & mount -n -t tmpfs -o 'size=4g,mode=0700' openim-lab $state 2>$null
    if ($LASTEXITCODE -eq 0) {
        $paths.StateMount = $state
    } else {
        Write-Warning "Could not mount a tmpfs at $state; the lab keeps its state on disk, which seeds and starts slower."
    }

    # containerd's ttrpc socket is the longest path under an engine's exec-root; it must fit the kernel limit.
    $longest = Join-Path $state "e$Engines/x/containerd/containerd.sock.ttrpc"
    if ([System.Text.Encoding]::UTF8.GetByteCount($longest) -le $script:SocketPathLimit) {
        $paths.SocketRoot = $state
    } else {
        $bytes = [System.Text.Encoding]::UTF8.GetBytes($RunRoot)
        $hash = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($bytes))
        $paths.SocketRoot = "/tmp/oiml-$($hash.Substring(0, 8).ToLowerInvariant())"
        Write-Warning ("The run folder's path is too long for unix sockets; " +
            "the engines' sockets and exec-roots go to $($paths.SocketRoot).")
        if (Test-Path $paths.SocketRoot) {
            Remove-Item -Recurse -Force -Path $paths.SocketRoot
        }

        $null = New-Item -ItemType Directory -Path $paths.SocketRoot
    }

    $paths
}

function Write-RegistryConfig([string] $Path, [string] $Storage, [int] $Port) {
    # No cache section: the seeder writes storage behind the registry's back, which a blob cache would miss.
    @"
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $Storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$Port
"@ | Set-Content -Path $Path
}

function Start-LabEngine($State, $Paths, [int] $Number) {
    $name = "engine$Number"
    $dataRoot = Join-Path $Paths.State "e$Number/data"
    $execRoot = Join-Path $Paths.SocketRoot "e$Number/x"
    $socket = Join-Path $Paths.SocketRoot "e$Number/docker.sock"
    $pidFile = Join-Path $Paths.SocketRoot "e$Number/docker.pid"
    $etcDocker = Join-Path $Paths.State "e$Number/etc-docker"
    $daemonConfig = Join-Path $Paths.Config "$name.json"
    $log = Join-Path $Paths.Logs "$name.log"
    foreach ($folder in $dataRoot, $execRoot, $etcDocker) {
        $null = New-Item -ItemType Directory -Force -Path $folder
    }

    '{}' | Set-Content -Path $daemonConfig
    $dockerd = @(
        'dockerd', '--data-root', $dataRoot, '--exec-root', $execRoot, '--pidfile', $pidFile,
        '-H', "unix://$socket", '--iptables=false', '--ip6tables=false', '--bridge=none',
        '--storage-driver=vfs', '--config-file', $daemonConfig
    )

    # dockerd writes /etc/docker/key.json and /run/docker whatever its flags say. In a private mount namespace
    # both are covered by lab folders, so nothing lands in system folders and its mounts vanish with it.
    $command = $dockerd
    if (Test-LabUnshare) {
        $steps = [System.Collections.Generic.List[string]]::new()
        if ($Paths.State -notlike '/run/*' -and $Paths.SocketRoot -notlike '/run/*') {
            $steps.Add('mount -n -t tmpfs -o size=1m,mode=0755 openim-lab-run /run')
        }

        if (Test-Path -PathType Container /etc/docker) {
            $steps.Add('mount -n --bind "$1" /etc/docker')
        }

        $steps.Add('shift')
        $steps.Add('exec "$@"')
        $command = @('unshare', '--mount', '--propagation', 'private', '--') +
            @('/bin/sh', '-ec', ($steps -join '; '), 'sh', $etcDocker) + $dockerd
    } else {
        Write-Warning 'unshare --mount is not permitted here; dockerd will create /etc/docker/key.json and /run/docker.'
    }

    $process = Start-LabProcess -State $State -Name $name -Kind engine -Command $command -Log $log `
        -Extra @{ ExecRoot = $execRoot }
    @{
        Process     = $process
        Socket      = $socket
        Description = [ordered]@{
            Name       = $name
            DockerHost = "unix://$socket"
            Pid        = $process.Id
            DataRoot   = $dataRoot
            ExecRoot   = $execRoot
            Log        = $log
        }
    }
}

function Test-LabUnshare {
    if ($null -eq $script:CanUnshare) {
        & unshare --mount --propagation private -- true 2>$null
        $script:CanUnshare = $LASTEXITCODE -eq 0
    }

    $script:CanUnshare
}

function Start-LabProcess {
    param(
        $State,
        [string] $Name,
        [string] $Kind,
        [string[]] $Command,
        [string] $Log,
        [hashtable] $Environment = @{},
        [hashtable] $Extra = @{}
    )

    # sh opens the log and then becomes the program (exec), so the recorded pid is the program's own and the
    # program keeps running, with its output in the log, after this PowerShell exits.
    $info = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($argument in @('-c', 'log=$1; shift; exec "$@" >>"$log" 2>&1 </dev/null', 'sh', $Log) + $Command) {
        $info.ArgumentList.Add($argument)
    }

    $info.UseShellExecute = $false
    foreach ($key in $Environment.Keys) {
        $info.Environment[$key] = $Environment[$key]
    }

    $process = [System.Diagnostics.Process]::Start($info)
    $record = [ordered]@{
        Name       = $Name
        Kind       = $Kind
        Pid        = $process.Id
        StartTicks = (Get-LabProcessStat $process.Id).StartTicks
        Log        = $Log
    }
    foreach ($key in $Extra.Keys) {
        $record[$key] = $Extra[$key]
    }

    $State.Processes.Add([pscustomobject]$record)
    Save-LabState $State
    $process
}

function Save-LabState($State) {
    $State | ConvertTo-Json -Depth 5 | Set-Content -Path (Join-Path $State.RunRoot 'pids.json')
}

function Get-LabProcessStat([int] $Id) {
    $stat = Get-Content -Raw -Path "/proc/$Id/stat" -ErrorAction Ignore
    if (-not $stat) {
        return $null
    }

    # The command name may hold spaces and parentheses; fields after its closing parenthesis start at state.
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    [pscustomobject]@{ State = $fields[0]; StartTicks = $fields[19] }
}

function Test-LabProcessAlive($Record) {
    # A pid can be reused once its process is gone; the start time tells a recorded process from a newcomer.
    $stat = Get-LabProcessStat $Record.Pid
    $null -ne $stat -and $stat.State -ne 'Z' -and $stat.StartTicks -eq $Record.StartTicks
}

function Test-LabMountPoint([string] $Path) {
    if (-not (Test-Path $Path)) {
        return $false
    }

    & mountpoint -q $Path 2>$null
    $LASTEXITCODE -eq 0
}

function Get-LabFreePort([int] $Count) {
    # Holding every listener until all are picked keeps the ports distinct.
    $listeners = for ($i = 0; $i -lt $Count; $i++) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $listener
    }

    $ports = @($listeners | ForEach-Object { $_.LocalEndpoint.Port })
    $listeners | ForEach-Object { $_.Stop() }
    $ports
}

function Test-LabHttp([string] $Uri) {
    if ($null -eq $script:ProbeClient) {
        $script:ProbeClient = [System.Net.Http.HttpClient]::new()
        $script:ProbeClient.Timeout = [TimeSpan]::FromSeconds(2)
    }

    try {
        $response = $script:ProbeClient.GetAsync($Uri).GetAwaiter().GetResult()
        $ok = $response.IsSuccessStatusCode
        $response.Dispose()
        $ok
    } catch {
        $false
    }
}

function Test-LabEngine([string] $Socket) {
    if (-not (Test-Path $Socket)) {
        return $false
    }

    $client = [System.Net.Sockets.Socket]::new(
        [System.Net.Sockets.AddressFamily]::Unix,
        [System.Net.Sockets.SocketType]::Stream,
        [System.Net.Sockets.ProtocolType]::Unspecified)
    try {
        $client.ReceiveTimeout = 2000
        $client.Connect([System.Net.Sockets.UnixDomainSocketEndPoint]::new($Socket))
        $null = $client.Send([System.Text.Encoding]::ASCII.GetBytes("GET /_ping HTTP/1.0`r`nHost: docker`r`n`r`n"))
        $buffer = [byte[]]::new(256)
        $read = $client.Receive($buffer)
        [System.Text.Encoding]::ASCII.GetString($buffer, 0, $read) -match '^HTTP/1\.[01] 200'
    } catch {
        $false
    } finally {
        $client.Dispose()
    }
}

function Wait-LabReady([object[]] $Waits, [double] $TimeoutSeconds) {
    # Each wait names a process, its log, and either an HTTP URI that must answer 2xx or an engine socket.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $pending = [System.Collections.Generic.List[object]]::new([object[]]$Waits)
    while ($pending.Count -gt 0) {
        foreach ($wait in @($pending)) {
            if ($wait.Process.HasExited) {
                throw "$($wait.Name) exited with code $($wait.Process.ExitCode) while starting.`n$(Get-LabLogTail $wait.Log)"
            }

            $ready = if ($wait.ContainsKey('Http')) { Test-LabHttp $wait.Http } else { Test-LabEngine $wait.Socket }
            if ($ready) {
                $null = $pending.Remove($wait)
                Write-Verbose ('{0} answers, {1:0.00} s after it started.' -f $wait.Name,
                    ([DateTime]::Now - $wait.Process.StartTime).TotalSeconds)
            }
        }

        if ($pending.Count -gt 0) {
            if ([DateTime]::UtcNow -gt $deadline) {
                $names = ($pending | ForEach-Object Name) -join ', '
                throw "$names did not answer within $TimeoutSeconds s.`n$(Get-LabLogTail $pending[0].Log)"
            }

            Start-Sleep -Milliseconds 25
        }
    }
}

function Get-LabLogTail([string] $Path, [int] $Lines = 20) {
    if (-not (Test-Path $Path)) {
        return "(no log at $Path)"
    }

    "--- last lines of $Path ---`n" + ((Get-Content -Tail $Lines -Path $Path) -join "`n")
}

function Invoke-LabAdmin {
    param([string] $Method, [string] $Path, [hashtable] $Body)

    $lab = Get-OpenImLab
    $request = @{
        Method             = $Method
        Uri                = "$($lab.Admin)$Path"
        SkipHttpErrorCheck = $true
        StatusCodeVariable = 'status'
    }
    if ($Body) {
        $request.Body = $Body | ConvertTo-Json -Compress
        $request.ContentType = 'application/json'
    }

    $answer = Invoke-RestMethod @request
    if ($status -ge 400) {
        $reason = if ($answer -and $answer.PSObject.Properties['error']) { $answer.error } else { "$answer" }
        throw "The lab's admin API refused $Method ${Path}: $status $reason"
    }

    $answer
}

Export-ModuleMember -Function @(
    'Assert-OpenImLabPrerequisite', 'Start-OpenImLab', 'Stop-OpenImLab', 'Get-OpenImLab',
    'Set-OpenImLabFault', 'Clear-OpenImLabFault', 'Set-OpenImLabRateLimit', 'Set-OpenImLabLatency',
    'Set-OpenImLabTokenLifetime', 'Get-OpenImLabStats', 'Reset-OpenImLabStats', 'Reset-OpenImLab',
    'Move-OpenImLabTag'
)
