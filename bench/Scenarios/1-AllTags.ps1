<#
.SYNOPSIS
    Scenario 1: every tag of an image with hundreds of tags (pages of 100) from all three registries.
.DESCRIPTION
    Ours: Get-OpenImTag -Image <image> -All -Registry *, the first call in a fresh pwsh (module imported
    first, not timed): no token, no connection, nothing compiled, as skopeo starts. Peer: skopeo list-tags
    (anonymous, --tls-verify=false for the plain-http lab) on each registry one after another, timed as
    processes. Round trips come from the lab's request counts; the minimum per registry is one challenge,
    one token and one request per page.
#>
param([Parameter(Mandatory)] [hashtable] $Bench)

$image = $Bench.Images.Tags
Set-BenchNetwork -LatencyMs $Bench.Latency
$registries = @($Bench.Lab.Registries)
$expected = [ordered]@{}
foreach ($standIn in $registries) {
    $expected[$standIn.Name] = Get-BenchBackendTagCount -Lab $Bench.Lab -Registry $standIn.Name -Image $image.Image
}

$pages = [ordered]@{}
foreach ($name in $expected.Keys) { $pages[$name] = [math]::Max(1, [math]::Ceiling($expected[$name] / 100)) }
$minimum = ($pages.Values | ForEach-Object { 2 + $_ } | Measure-Object -Sum).Sum

$contenders = [ordered]@{
    ours   = {
        $result = Invoke-BenchChild -Mode Tags -ModulePath $Bench.ModulePath -Parameters @{ Image = $image.Image; LabAdmin = $Bench.Lab.Admin }
        $first = $result.Calls[0]
        foreach ($name in $expected.Keys) {
            $got = @($first.Counts | Where-Object Registry -EQ $name)
            $count = if ($got) { $got[0].Tags } else { 0 }
            if ($count -ne $expected[$name]) {
                throw "Get-OpenImTag listed $count tags of $($image.Image) on $name; the registry holds $($expected[$name])."
            }
        }

        [pscustomobject]@{
            Ms            = $first.Ms
            WarmMs        = $result.WarmMs
            Requests      = ($first.Requests | Measure-Object Total -Sum).Sum
            WarmRequests  = ($result.Calls[1].Requests | Measure-Object Total -Sum).Sum
            PerRegistry   = $first.Requests
        }
    }
    skopeo = {
        Reset-OpenImLabStats
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        foreach ($standIn in $registries) {
            $reference = "docker://$($standIn.Host)/$($standIn.Namespace)/$($image.Image)"
            $run = Invoke-BenchNative skopeo @('list-tags', '--tls-verify=false', '--no-creds', $reference)
            $count = @(($run.Output -join "`n" | ConvertFrom-Json).Tags).Count
            if ($count -ne $expected[$standIn.Name]) {
                throw "skopeo listed $count tags of $($image.Image) on $($standIn.Name); the registry holds $($expected[$standIn.Name])."
            }
        }

        $clock.Stop()
        $requests = @(Get-BenchLabRequests)
        [pscustomobject]@{
            Ms          = $clock.Elapsed.TotalMilliseconds
            Requests    = ($requests | Measure-Object Total -Sum).Sum
            PerRegistry = $requests
        }
    }
}

$rounds = Invoke-BenchRounds -Name 'all tags' -Contenders $contenders -Runs $Bench.Runs -WarmUp $Bench.WarmUp
$tagCounts = ($expected.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', '
$rows = @(
    New-BenchRow -Id '1' -Scenario "All $($expected[0]) tags of $($image.Image) from 3 registries (pages of 100)" `
        -Ours $rounds.ours.Ms -Peer $rounds.skopeo.Ms -Kind Ratio -Target 0.5 `
        -OursLabel 'Get-OpenImTag -All -Registry *, 1st call' -PeerLabel '3 × skopeo list-tags'
    New-BenchRow -Id '1r' -Scenario 'Round trips of that listing (lab request counts)' -Unit requests `
        -Ours $rounds.ours.Requests -Peer @($rounds | ForEach-Object { $minimum }) -Kind Equal -Target $minimum `
        -OursLabel 'ours' -PeerLabel 'minimum'
)

$perRegistry = foreach ($name in $expected.Keys) {
    $ours = @($rounds[0].ours.PerRegistry | Where-Object Registry -EQ $name)[0]
    $peer = @($rounds[0].skopeo.PerRegistry | Where-Object Registry -EQ $name)[0]
    "$name ours $($ours.Total) (ping $($ours.Ping), token $($ours.Token), tags $($ours.Tags)), skopeo $($peer.Total) " +
    "(ping $($peer.Ping), token $($peer.Token), tags $($peer.Tags)), minimum $(2 + $pages[$name])"
}

$notes = @(
    "**1. All tags.** Tags per registry: $tagCounts. Ours is the first ``Get-OpenImTag -Image $($image.Image) -All -Registry *`` " +
    'in a fresh pwsh, timed inside the process around the command (pwsh start-up and Import-Module not counted; ' +
    'the first call pays for JIT compilation, tokens and connections). The peer is `skopeo list-tags --tls-verify=false ' +
    '--no-creds` on each registry one after another, timed as processes (skopeo''s start-up counted: that is how it is used). ' +
    ('A second call in the same session (tokens and connections reused) took {0} (median) with {1} requests.' -f
        (Format-BenchValue (Get-BenchMedian $rounds.ours.WarmMs) 'ms'), (Get-BenchMedian $rounds.ours.WarmRequests)) +
    " Round trips of the first run: $($perRegistry -join '; '). The minimum per registry is one challenge (the 401), " +
    "one token and one request per page: $minimum for the three."
)

[pscustomobject]@{ Rows = $rows; Notes = $notes; Rounds = $rounds }
