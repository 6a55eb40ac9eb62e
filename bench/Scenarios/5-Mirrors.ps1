<#
.SYNOPSIS
    Scenario 5: three mirrors of one image with different bandwidth; the module's default registry choice
    against a pull from the fastest mirror.
#>
param([Parameter(Mandatory)] [hashtable] $Bench)

$image = $Bench.Images.One
$bandwidth = $Bench.MirrorBandwidth
Set-BenchNetwork -LatencyMs $Bench.Latency -Bandwidth $bandwidth
$fastest = @($bandwidth.GetEnumerator() | Sort-Object Value -Descending)[0].Key
$standIn = $Bench.Lab.Registries | Where-Object Name -EQ $fastest
$engine = $Bench.Engine
$used = [System.Collections.Generic.List[string]]::new()

$contenders = [ordered]@{
    ours         = {
        $run = Measure-BenchBlock -PassThru {
            Invoke-OpenImPull -Image $image.Image -Tag $image.Tag -DockerHost $engine -ErrorAction Stop
        }
        $pulled = @($run.Output)[0]
        if ($pulled.Status -ne 'Pulled' -or $pulled.Digest -ne $image.Digest) {
            throw "Invoke-OpenImPull: $($pulled.Status) $($pulled.Digest), expected Pulled $($image.Digest)."
        }

        $source = ($Bench.Lab.Registries | Where-Object { "$($pulled.Source)".StartsWith("$($_.Host)/") }).Name
        $used.Add("$source")
        $run.Ms
    }
    docker       = {
        (Invoke-BenchNative docker @('-H', $engine, 'pull', '-q', "$($standIn.Host)/$($standIn.Namespace)/$($image.Image):$($image.Tag)")).Ms
    }
    oursFastest  = {
        $run = Measure-BenchBlock -PassThru {
            Invoke-OpenImPull -Image $image.Image -Tag $image.Tag -Registry $fastest -DockerHost $engine -ErrorAction Stop
        }
        if (@($run.Output)[0].Status -ne 'Pulled') { throw 'Invoke-OpenImPull -Registry did not pull.' }
        $run.Ms
    }
}

$rounds = Invoke-BenchRounds -Name 'mirrors' -Contenders $contenders -Runs $Bench.Runs -WarmUp $Bench.WarmUp `
    -BeforeEach { Clear-BenchEngine $engine }
Clear-BenchEngine $engine

$told = New-BenchRow -Id '5f' -Scenario 'x' -Ours $rounds.oursFastest -Peer $rounds.docker -Kind Ratio -Target 1.1
$rates = ($Bench.Latency.Keys | ForEach-Object { '{0} {1} ms, {2:0.##} MB/s' -f $_, $Bench.Latency[$_], ($bandwidth[$_] / 1e6) }) -join '; '
$choices = ($used | Group-Object | ForEach-Object { "$($_.Name) ×$($_.Count)" }) -join ', '
$rows = @(
    New-BenchRow -Id '5' -Scenario "Pull from 3 mirrors of different bandwidth ($rates)" -Ours $rounds.ours -Peer $rounds.docker `
        -Kind Ratio -Target 1.1 -OursLabel "Invoke-OpenImPull, default choice" -PeerLabel "docker pull from $fastest"
)

$notes = @(
    "**5. Mirrors.** ``$($image.Image):$($image.Tag)`` on all three stand-ins, bandwidth per connection: $rates. " +
    'Ours is `Invoke-OpenImPull` without `-Registry` (the module''s default choice), every image removed before each pull; ' +
    "the registries it pulled from (all runs, warm-up included): $choices. The peer is ``docker pull`` from the fastest mirror " +
    "($fastest), chosen by hand. Told the fastest mirror (``-Registry $fastest``, same rounds), ours took " +
    ('{0}, ratio {1:0.00} to the peer. ' -f (Format-BenchValue $told.OursMedian 'ms'), $told.RatioMedian) +
    'The module tries registries in priority order (Ghcr, Aliyun, DockerHub) and moves one to the end only after a failed ' +
    'probe; `Test-OpenImRegistry` measures latency, not bandwidth, and the slowest mirror here has the lowest latency.'
)

[pscustomobject]@{ Rows = $rows; Notes = $notes; Rounds = $rounds }
