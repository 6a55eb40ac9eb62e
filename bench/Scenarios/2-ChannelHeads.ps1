<#
.SYNOPSIS
    Scenario 2: channel heads of the default images, first call in a fresh process (cold) against a
    second call in the same session (warm: tokens, connections and compiled code reused).
.DESCRIPTION
    Both calls run in the same fresh pwsh, one after the other, and are timed inside it around the command,
    so pwsh's start-up and Import-Module are not counted. Each fresh process is one pair.
#>
param([Parameter(Mandatory)] [hashtable] $Bench)

Set-BenchNetwork -LatencyMs $Bench.Latency
$contenders = [ordered]@{
    process = {
        $result = Invoke-BenchChild -Mode Heads -ModulePath $Bench.ModulePath
        if (@($result.ColdHeads).Count -eq 0 -or (@($result.ColdHeads) -join ',') -ne (@($result.WarmHeads) -join ',')) {
            throw "The cold and warm calls of Get-OpenImTag disagree: [$($result.ColdHeads -join ', ')] [$($result.WarmHeads -join ', ')]"
        }

        [pscustomobject]@{
            ColdMs = $result.ColdMs; WarmMs = $result.WarmMs; Heads = @($result.ColdHeads).Count
            Log    = 'cold {0:0} ms, warm {1:0} ms' -f $result.ColdMs, $result.WarmMs
        }
    }
}

$rounds = Invoke-BenchRounds -Name 'channel heads' -Contenders $contenders -Runs $Bench.Runs -WarmUp $Bench.WarmUp
$rows = @(
    New-BenchRow -Id '2' -Scenario 'Channel heads of the default images (Get-OpenImTag), warm against cold' `
        -Ours $rounds.process.WarmMs -Peer $rounds.process.ColdMs -Kind Ratio -Target 0.5 `
        -OursLabel '2nd call, same session' -PeerLabel '1st call, fresh pwsh'
)

$notes = @(
    "**2. Channel heads.** ``Get-OpenImTag`` without parameters: the heads of Main, Release, Version and Latest of " +
    "openim-server and openim-chat from the first registry (Ghcr, 40 ms), $($rounds[0].process.Heads) heads with digests. " +
    'Each run is one fresh pwsh that imports the module (not timed) and calls the command twice; both calls are timed ' +
    'inside the process, so pwsh''s start-up is not counted. The cold call also pays for JIT compilation of the module''s code paths.'
)

[pscustomobject]@{ Rows = $rows; Notes = $notes; Rounds = $rounds }
