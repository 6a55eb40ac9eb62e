<#
.SYNOPSIS
    Scenario 6: Import-Module time in a fresh pwsh, and the growth of pwsh's working set while it pulls a
    200 MB image.
#>
param([Parameter(Mandatory)] [hashtable] $Bench)

$image = $Bench.Images.Big
$bandwidth = @{}
foreach ($name in $Bench.Latency.Keys) { $bandwidth[$name] = $Bench.PullBandwidth }
Set-BenchNetwork -LatencyMs $Bench.Latency -Bandwidth $bandwidth
$engine = $Bench.Engine

$import = Invoke-BenchRounds -Name 'import' -Runs $Bench.Runs -WarmUp $Bench.WarmUp -Contenders ([ordered]@{
        import = { (Invoke-BenchChild -Mode Import -ModulePath $Bench.ModulePath).Ms }
    })

$memory = Invoke-BenchRounds -Name 'pull memory' -Runs $Bench.Runs -WarmUp $Bench.WarmUp -BeforeEach { Clear-BenchEngine $engine } -Contenders ([ordered]@{
        pull = {
            $result = Invoke-BenchChild -Mode PullMemory -ModulePath $Bench.ModulePath -SampleMemory -Parameters @{
                Image = $image.Image; Tag = $image.Tag; Registry = 'Ghcr'; DockerHost = $engine
            }
            if ($result.Status -ne 'Pulled' -or $result.Digest -ne $image.Digest) {
                throw "Invoke-OpenImPull: $($result.Status) $($result.Digest), expected Pulled $($image.Digest)."
            }

            $during = @($result.Samples | Where-Object { $_.UtcMs -ge $result.StartUtcMs -and $_.UtcMs -le $result.EndUtcMs })
            $sampledPeak = if ($during) { ($during | Measure-Object Bytes -Maximum).Maximum } else { $result.AfterBytes }
            # The kernel's high-water mark catches a peak between samples, when it is higher than before the pull.
            $peak = [math]::Max([math]::Max($sampledPeak, $result.AfterBytes), $(if ($result.PeakAfterBytes -gt $result.PeakBeforeBytes) { $result.PeakAfterBytes } else { 0 }))
            [pscustomobject]@{
                Ms        = $result.Ms
                GrowthMB  = ($peak - $result.BaselineBytes) / 1e6
                BaseMB    = $result.BaselineBytes / 1e6
                PeakMB    = $peak / 1e6
                AfterMB   = $result.AfterBytes / 1e6
                Samples   = $during.Count
            }
        }
    })
Clear-BenchEngine $engine

$size = '{0:0.0} MB in {1} layers' -f ($image.Bytes / 1e6), $image.Layers
$rows = @(
    New-BenchRow -Id '6i' -Scenario 'Import-Module in a fresh pwsh' -Ours $import.import -Kind Absolute -Target 300 `
        -OursLabel 'Import-Module OpenIm'
    New-BenchRow -Id '6m' -Scenario "Working-set growth of pwsh while pulling $size" -Unit MB `
        -Ours $memory.pull.GrowthMB -Kind Absolute -Target 50 -OursLabel 'Invoke-OpenImPull'
)

$notes = @(
    '**6. Start-up and memory.** Import time: `Import-Module` of the built module, timed inside a fresh pwsh each run. ' +
    "Memory: a fresh pwsh imports the module, collects garbage, notes its working set, then pulls ``$($image.Image):$($image.Tag)`` " +
    "($size) from Ghcr; the runner samples the child's working set every 20 ms during the pull, and the child's kernel " +
    'high-water mark (VmHWM) catches peaks between samples. Growth = peak during the pull - working set before it. ' +
    ('Medians: before {0:0.0} MB, peak {1:0.0} MB, after {2:0.0} MB; pull {3}.' -f (Get-BenchMedian $memory.pull.BaseMB),
        (Get-BenchMedian $memory.pull.PeakMB), (Get-BenchMedian $memory.pull.AfterMB), (Format-BenchValue (Get-BenchMedian $memory.pull.Ms) 'ms'))
)

[pscustomobject]@{ Rows = $rows; Notes = $notes; Rounds = @($import, $memory) }
