<#
.SYNOPSIS
    Scenario 4: four images, one Invoke-OpenImPull call against four docker pulls one after another.
#>
param([Parameter(Mandatory)] [hashtable] $Bench)

$images = @($Bench.Images.Four)
$standIn = $Bench.Lab.Registries | Where-Object Name -EQ 'Ghcr'
$bandwidth = @{}
foreach ($name in $Bench.Latency.Keys) { $bandwidth[$name] = $Bench.PullBandwidth }
Set-BenchNetwork -LatencyMs $Bench.Latency -Bandwidth $bandwidth
$engine = $Bench.Engine
$wanted = @($images | ForEach-Object { [pscustomobject]@{ Image = $_.Image; Tag = $_.Tag; Registry = 'Ghcr' } })

function Test-FourPulled($Output) {
    $pulled = @($Output | Where-Object Status -EQ 'Pulled')
    if ($pulled.Count -ne $images.Count) {
        throw "Invoke-OpenImPull pulled $($pulled.Count) of $($images.Count) images."
    }
}

$contenders = [ordered]@{
    ours   = {
        $run = Measure-BenchBlock -PassThru { $wanted | Invoke-OpenImPull -DockerHost $engine -ErrorAction Stop }
        Test-FourPulled $run.Output
        $run.Ms
    }
    docker = {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        foreach ($image in $images) {
            $null = Invoke-BenchNative docker @('-H', $engine, 'pull', '-q', "$($standIn.Host)/$($standIn.Namespace)/$($image.Image):$($image.Tag)")
        }

        $clock.Elapsed.TotalMilliseconds
    }
    oursThrottle4 = {
        $run = Measure-BenchBlock -PassThru { $wanted | Invoke-OpenImPull -DockerHost $engine -ThrottleLimit 4 -ErrorAction Stop }
        Test-FourPulled $run.Output
        $run.Ms
    }
}

$rounds = Invoke-BenchRounds -Name 'pull four' -Contenders $contenders -Runs $Bench.Runs -WarmUp $Bench.WarmUp `
    -BeforeEach { Clear-BenchEngine $engine }
Clear-BenchEngine $engine

$total = ($images | Measure-Object Bytes -Sum).Sum
$size = '{0} images, {1:0.0} MB in {2} layers each' -f $images.Count, ($total / 1e6 / $images.Count), $images[0].Layers
$throttle4 = New-BenchRow -Id '4t' -Scenario 'x' -Ours $rounds.oursThrottle4 -Peer $rounds.docker -Kind Ratio -Target 0.6
$rows = @(
    New-BenchRow -Id '4' -Scenario "Pull four images ($size) from Ghcr" -Ours $rounds.ours -Peer $rounds.docker `
        -Kind Ratio -Target 0.6 -OursLabel 'one Invoke-OpenImPull' -PeerLabel '4 × docker pull'
)

$names = @($images | ForEach-Object { '`{0}:{1}`' -f $_.Image, $_.Tag }) -join ', '
$notes = @(
    "**4. Four pulls.** $names ($size) from the Ghcr stand-in; " +
    'every image is removed before each run. Ours pipes the four into one `Invoke-OpenImPull` (default `-ThrottleLimit 3`), ' +
    'timed around the command in the runner''s session; the peer runs `docker pull -q` four times one after another. ' +
    ('With `-ThrottleLimit 4` (measured in the same rounds) ours took {0}, ratio {1:0.00}. ' -f
        (Format-BenchValue $throttle4.OursMedian 'ms'), $throttle4.RatioMedian) +
    'dockerd downloads at most 3 layers at a time (`max-concurrent-downloads`, default 3) over all its pulls, and the lab ' +
    'limits bandwidth per connection, so parallel pulls gain from overlapping round trips and extraction, and from using ' +
    'the third download slot that a two-layer pull leaves idle.'
)

[pscustomobject]@{ Rows = $rows; Notes = $notes; Rounds = $rounds }
