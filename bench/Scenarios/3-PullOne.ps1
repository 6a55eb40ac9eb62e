<#
.SYNOPSIS
    Scenario 3: one image of about 50 MB in 5 layers, Invoke-OpenImPull against docker pull on the same
    engine and registry; every image removed from the engine before each pull.
#>
param([Parameter(Mandatory)] [hashtable] $Bench)

$image = $Bench.Images.One
$standIn = $Bench.Lab.Registries | Where-Object Name -EQ 'Ghcr'
$bandwidth = @{}
foreach ($name in $Bench.Latency.Keys) { $bandwidth[$name] = $Bench.PullBandwidth }
Set-BenchNetwork -LatencyMs $Bench.Latency -Bandwidth $bandwidth
$engine = $Bench.Engine

$contenders = [ordered]@{
    ours   = {
        $run = Measure-BenchBlock -PassThru {
            Invoke-OpenImPull -Image $image.Image -Tag $image.Tag -Registry Ghcr -DockerHost $engine -ErrorAction Stop
        }
        $pulled = @($run.Output)[0]
        if ($pulled.Status -ne 'Pulled' -or $pulled.Digest -ne $image.Digest) {
            throw "Invoke-OpenImPull: $($pulled.Status) $($pulled.Digest), expected Pulled $($image.Digest)."
        }

        # Duration is the module's own clock around the engine part (inspect, pull, inspect, tag); the rest is planning.
        [pscustomobject]@{ Ms = $run.Ms; EngineMs = $pulled.Duration.TotalMilliseconds }
    }
    docker = {
        (Invoke-BenchNative docker @('-H', $engine, 'pull', '-q', "$($standIn.Host)/$($standIn.Namespace)/$($image.Image):$($image.Tag)")).Ms
    }
}

$rounds = Invoke-BenchRounds -Name 'pull one' -Contenders $contenders -Runs $Bench.Runs -WarmUp $Bench.WarmUp `
    -BeforeEach { Clear-BenchEngine $engine }
Clear-BenchEngine $engine

$size = '{0:0.0} MB in {1} layers' -f ($image.Bytes / 1e6), $image.Layers
$rows = @(
    New-BenchRow -Id '3' -Scenario "Pull one image ($size) from Ghcr" -Ours $rounds.ours.Ms -Peer $rounds.docker `
        -Kind Ratio -Target 1.05 -OursLabel 'Invoke-OpenImPull' -PeerLabel 'docker pull'
)

$notes = @(
    "**3. One pull.** ``$($image.Image):$($image.Tag)`` ($size of random bytes, stored gzip) from the Ghcr stand-in onto " +
    'the same lab engine; every image is removed from the engine before each pull. Ours is `Invoke-OpenImPull -Registry Ghcr` ' +
    'in the runner''s session (module warm after the warm-up round; it asks the registry for the digest, has the engine pull ' +
    'by digest and tags the image), timed around the command. The peer is `docker pull -q` by tag, timed as a process. ' +
    ('Of our median {0}, the engine part (inspect, pull, inspect, tag) took {1} by the module''s own clock (the result''s Duration); the other {2} ' -f
        (Format-BenchValue (Get-BenchMedian $rounds.ours.Ms) 'ms'), (Format-BenchValue (Get-BenchMedian $rounds.ours.EngineMs) 'ms'),
        (Format-BenchValue (Get-BenchMedian @($rounds | ForEach-Object { $_.ours.Ms - $_.ours.EngineMs })) 'ms')) +
    '(median of the per-run differences) went to planning: fixing the digest at the registry (HEAD of the manifest) and reaching the engine.'
)

[pscustomobject]@{ Rows = $rows; Notes = $notes; Rounds = $rounds }
