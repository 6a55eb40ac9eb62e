<#
.SYNOPSIS
    One measurement in a fresh pwsh, for the benchmarks (bench/Invoke-Benchmark.ps1 starts it).
.DESCRIPTION
    Times are taken inside this process around the command only, so pwsh's own start-up is not counted.
    The result is one line 'BENCH-RESULT <json>' on stdout. The settings file (OPENIM_CONFIG) and Docker
    config (DOCKER_CONFIG) come from the environment the runner set.

    Modes:
      Import      Import-Module time.
      Tags        Get-OpenImTag -Image X -All -Registry *: the first call of the session, then a second one;
                  with the lab's request counts of each call when LabAdmin is given.
      Heads       Get-OpenImTag (channel heads of the default images): the first call (cold: no token, no
                  connection, nothing compiled yet) and a second call in the same session (warm).
      PullMemory  Invoke-OpenImPull of one image, with the working set before and after and the peak (VmHWM)
                  before and after; the runner samples the working set from outside meanwhile.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('Import', 'Tags', 'Heads', 'PullMemory')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ParametersJson = '{}'
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0
trap {
    [Console]::Error.WriteLine("BenchChild $Mode failed: $_")
    exit 1
}

$parameters = $ParametersJson | ConvertFrom-Json
$clock = [System.Diagnostics.Stopwatch]::new()

function Send-Result($Result) {
    'BENCH-RESULT ' + ($Result | ConvertTo-Json -Compress -Depth 6)
}

function Get-PeakWorkingSet {
    # VmHWM: the highest resident set size of this process so far, in bytes.
    $line = Get-Content /proc/self/status -ErrorAction Ignore | Where-Object { $_ -like 'VmHWM:*' }
    if ($line) { [long](($line -replace '\D', '')) * 1024 } else { 0L }
}

function Get-WorkingSet {
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $process.WorkingSet64
}

function Invoke-LabStats([string] $Action) {
    # The lab's admin API, directly: reset or read the request counts of the three stand-ins.
    if (-not $parameters.PSObject.Properties['LabAdmin'] -or -not $parameters.LabAdmin) { return $null }
    foreach ($name in 'Ghcr', 'Aliyun', 'DockerHub') {
        if ($Action -eq 'Reset') {
            $null = Invoke-RestMethod -Method Post -Uri "$($parameters.LabAdmin)/lab/$name/stats/reset" -NoProxy
        } else {
            $stats = Invoke-RestMethod -Method Get -Uri "$($parameters.LabAdmin)/lab/$name/stats" -NoProxy
            [pscustomobject]@{
                Registry = $name; Total = $stats.total; Ping = $stats.ping; Token = $stats.token; Tags = $stats.tags
                Manifest = $stats.manifest; Blob = $stats.blob; Other = $stats.other
            }
        }
    }
}

switch ($Mode) {
    'Import' {
        $clock.Start()
        Import-Module $ModulePath -ErrorAction Stop
        $clock.Stop()
        Send-Result ([pscustomobject]@{
                Ms       = $clock.Elapsed.TotalMilliseconds
                Cmdlets  = @(Get-Command -Module OpenIm).Count
                WorkingSetMB = (Get-WorkingSet) / 1MB
            })
    }

    'Tags' {
        Import-Module $ModulePath -ErrorAction Stop
        $calls = foreach ($call in 'First', 'Second') {
            Invoke-LabStats Reset
            $clock.Restart()
            $tags = @(Get-OpenImTag -Image $parameters.Image -All -Registry *)
            $clock.Stop()
            $requests = @(Invoke-LabStats Read)
            [pscustomobject]@{
                Call     = $call
                Ms       = $clock.Elapsed.TotalMilliseconds
                Counts   = @($tags | Group-Object Registry | ForEach-Object { [pscustomobject]@{ Registry = $_.Name; Tags = $_.Count } })
                Requests = $requests
            }
        }

        Send-Result ([pscustomobject]@{ Ms = $calls[0].Ms; WarmMs = $calls[1].Ms; Calls = $calls })
    }

    'Heads' {
        Import-Module $ModulePath -ErrorAction Stop
        $clock.Restart()
        $cold = @(Get-OpenImTag)
        $clock.Stop()
        $coldMs = $clock.Elapsed.TotalMilliseconds
        $clock.Restart()
        $warm = @(Get-OpenImTag)
        $clock.Stop()
        Send-Result ([pscustomobject]@{
                ColdMs    = $coldMs
                WarmMs    = $clock.Elapsed.TotalMilliseconds
                ColdHeads = @($cold | ForEach-Object { "$($_.Image):$($_.Tag)@$($_.Digest)" })
                WarmHeads = @($warm | ForEach-Object { "$($_.Image):$($_.Tag)@$($_.Digest)" })
            })
    }

    'PullMemory' {
        Import-Module $ModulePath -ErrorAction Stop
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        [GC]::Collect()
        $baseline = Get-WorkingSet
        $peakBefore = Get-PeakWorkingSet
        $startMs = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        $clock.Restart()
        $pull = @{ Image = $parameters.Image; Tag = $parameters.Tag; DockerHost = $parameters.DockerHost; ErrorAction = 'Stop' }
        if ($parameters.PSObject.Properties['Registry'] -and $parameters.Registry) { $pull.Registry = $parameters.Registry }
        $result = Invoke-OpenImPull @pull
        $clock.Stop()
        $endMs = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        Send-Result ([pscustomobject]@{
                Ms             = $clock.Elapsed.TotalMilliseconds
                Status         = "$($result.Status)"
                Digest         = "$($result.Digest)"
                BaselineBytes  = $baseline
                AfterBytes     = Get-WorkingSet
                PeakBeforeBytes = $peakBefore
                PeakAfterBytes = Get-PeakWorkingSet
                StartUtcMs     = $startMs
                EndUtcMs       = $endMs
            })
    }
}
