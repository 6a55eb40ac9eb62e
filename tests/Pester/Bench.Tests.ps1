# Smoke tests of the benchmark harness (bench/), so it cannot rot between bench runs.
#   Unit: the pieces that need no lab: statistics and targets, the bench image builder (deterministic,
#         incompressible, valid gzip tar layers whose digests match the config), the tag list, the report,
#         and that every bench script parses.
#   Lab:  bench/Invoke-Benchmark.ps1 -Smoke end to end against the running lab: every scenario once at
#         tiny size. It adds the bench images (openim-rpc-msg, openim-rpc-user, openim-rpc-auth/-friend/
#         -group/-third, openim-push: repositories the lab's seed does not use) to the lab and puts latency,
#         bandwidth, quotas and stats back with Reset-OpenImLab when done.

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

BeforeAll {
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:BenchFolder = Join-Path $script:RepoRoot 'bench'
    Import-Module (Join-Path $script:BenchFolder 'BenchCommon.psm1') -Force -ErrorAction Stop
}

Describe 'Benchmark harness' -Tag Unit {
    It 'takes medians and the median of per-pair ratios' {
        Get-BenchMedian @(5, 1, 3) | Should -Be 3
        Get-BenchMedian @(4, 1, 3, 2) | Should -Be 2.5
        [double]::IsNaN((Get-BenchMedian @())) | Should -BeTrue

        $row = New-BenchRow -Id 'x' -Scenario 'x' -Ours @(100, 300, 50) -Peer @(200, 300, 400) -Kind Ratio -Target 0.6
        $row.OursMedian | Should -Be 100
        $row.PeerMedian | Should -Be 300
        $row.Ratios | Should -Be @(0.5, 1, 0.125)
        $row.RatioMedian | Should -Be 0.5
        $row.Met | Should -BeTrue
        $row.Runs | Should -Be 3
    }

    It 'judges ratio, absolute and equal targets' {
        (New-BenchRow -Id 'r' -Scenario 'r' -Ours @(2, 2) -Peer @(1, 1) -Kind Ratio -Target 1.05).Met | Should -BeFalse
        (New-BenchRow -Id 'a' -Scenario 'a' -Ours @(250, 350, 280) -Kind Absolute -Target 300).Met | Should -BeTrue
        (New-BenchRow -Id 'a' -Scenario 'a' -Ours @(310, 350, 280) -Kind Absolute -Target 300).Met | Should -BeFalse
        (New-BenchRow -Id 'e' -Scenario 'e' -Ours @(18, 18) -Peer @(18, 18) -Kind Equal -Target 18 -Unit requests).Met | Should -BeTrue
        (New-BenchRow -Id 'e' -Scenario 'e' -Ours @(19, 19) -Peer @(18, 18) -Kind Equal -Target 18 -Unit requests).Met | Should -BeFalse
        { New-BenchRow -Id 'p' -Scenario 'p' -Ours @(1, 2) -Peer @(1) -Kind Ratio -Target 1 } | Should -Throw '*2 measurements of ours but 1*'
    }

    It 'shows a third decimal only when two would hide which side of the target a ratio is' {
        Format-BenchRatio 0.5009 0.5 | Should -Be '0.501'
        Format-BenchRatio 0.5 0.5 | Should -Be '0.50'
        Format-BenchRatio 0.634 0.5 | Should -Be '0.63'
        Format-BenchRatio ([double]::NaN) | Should -Be '—'
    }

    It 'builds bench images from a seed: deterministic, incompressible, valid gzip tar layers' {
        Import-BenchImageType -CacheFolder (Join-Path $script:RepoRoot 'out/bench-cache')
        $a = [OpenImBench.BenchImageFactory]::Build((Join-Path $TestDrive 'a'), 'unit-seed', 2, 100000, 'amd64')
        $b = [OpenImBench.BenchImageFactory]::Build((Join-Path $TestDrive 'b'), 'unit-seed', 2, 100000, 'amd64')
        $again = [OpenImBench.BenchImageFactory]::Build((Join-Path $TestDrive 'a'), 'unit-seed', 2, 100000, 'amd64')
        $other = [OpenImBench.BenchImageFactory]::Build((Join-Path $TestDrive 'a'), 'other-seed', 2, 100000, 'amd64')
        $b.ManifestDigest | Should -Be $a.ManifestDigest
        $again.ManifestDigest | Should -Be $a.ManifestDigest
        $other.ManifestDigest | Should -Not -Be $a.ManifestDigest
        $a.Layers.Count | Should -Be 2
        $a.Layers[0].Digest | Should -Not -Be $a.Layers[1].Digest

        $config = [IO.File]::ReadAllText($a.Config.Path) | ConvertFrom-Json
        $config.architecture | Should -Be 'amd64'
        $config.rootfs.diff_ids.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $layer = $a.Layers[$i]
            $layer.Size | Should -BeGreaterThan 100000
            $bytes = [IO.File]::ReadAllBytes($layer.Path)
            'sha256:' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant() | Should -Be $layer.Digest

            $gzip = [IO.Compression.GZipStream]::new([IO.MemoryStream]::new($bytes), [IO.Compression.CompressionMode]::Decompress)
            $tar = [IO.MemoryStream]::new()
            $gzip.CopyTo($tar)
            $tarBytes = $tar.ToArray()
            'sha256:' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($tarBytes)).ToLowerInvariant() |
                Should -Be $config.rootfs.diff_ids[$i]

            $reader = [System.Formats.Tar.TarReader]::new([IO.MemoryStream]::new($tarBytes))
            $entry = $reader.GetNextEntry()
            $entry.Name | Should -Be "openim-bench/unit-seed/layer-$($i + 1).bin"
            $entry.Length | Should -Be 100000
            $reader.GetNextEntry() | Should -BeNullOrEmpty

            # Random content: a real compressor cannot shrink it.
            $squeezed = [IO.MemoryStream]::new()
            $deflate = [IO.Compression.GZipStream]::new($squeezed, [IO.Compression.CompressionLevel]::Optimal, $true)
            $deflate.Write($tarBytes, 0, $tarBytes.Length)
            $deflate.Dispose()
            $squeezed.Length | Should -BeGreaterThan 100000
        }
    }

    It 'makes an OpenIM-shaped tag list of the asked length, the same every time' {
        $tags = Get-BenchTagNames 350
        $tags.Count | Should -Be 350
        @($tags | Sort-Object -Unique).Count | Should -Be 350
        $tags[0..2] | Should -Be @('v5.0.0', '5.0.0', (Get-BenchTagNames 3)[2])
        $tags[2] | Should -Match '^sha-[0-9a-f]{7}$'
        (Get-BenchTagNames 120) | Should -Be $tags[0..119]
    }

    It 'writes a report with the table, the machine, every run and the commands to reproduce' {
        $rows = @(
            New-BenchRow -Id '1' -Scenario 'All tags' -Ours @(400, 500) -Peer @(1000, 1000) -Kind Ratio -Target 0.5 -PeerLabel 'skopeo'
            New-BenchRow -Id '6i' -Scenario 'Import' -Ours @(120, 130) -Kind Absolute -Target 300
        )
        $report = Format-BenchReport -Rows $rows -MachineLine '2 cores' -NetworkLine 'lab' -Notes @("**1.** one`nline") -Reproduce @('dotnet pwsh ./bench/Invoke-Benchmark.ps1')
        $report | Should -Match '\| 1 \| All tags \| 450 ms \(ours\) \| 1000 ms \(skopeo\) \| 0\.45 \| ≤ 0\.5 \| yes \| 2 \|'
        $report | Should -Match '\| 6i \| Import \| 125 ms \(ours\) \| — \| — \| ≤ 300 ms \| yes \| 2 \|'
        $report | Should -Match '\*\*Machine:\*\* 2 cores'
        $report | Should -Match '\*\*1\.\*\* one line'
        $report | Should -Match '\| 1 \| 400 ms, 500 ms \| 1000 ms, 1000 ms \| 0\.40, 0\.50 \|'
        $report | Should -Match '    dotnet pwsh \./bench/Invoke-Benchmark\.ps1'
    }

    It 'has scripts that parse' {
        $scripts = @(Get-ChildItem $script:BenchFolder -Recurse -Include '*.ps1', '*.psm1')
        $scripts.Count | Should -BeGreaterOrEqual 8
        foreach ($file in $scripts) {
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$errors)
            "$($file.Name): $($errors -join '; ')" | Should -Be "$($file.Name): "
        }
    }
}

Describe 'Benchmark runner, smoke mode against the lab' -Tag Lab -Skip:$noLab {
    It 'runs every scenario once at tiny size and reports each' {
        $work = Join-Path $TestDrive 'bench'
        $report = Join-Path $work 'smoke.md'
        $module = if ($env:OPENIM_MODULE_PATH) { $env:OPENIM_MODULE_PATH } else { Join-Path $script:RepoRoot 'out/OpenIm' }
        $output = & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive `
            -File (Join-Path $script:BenchFolder 'Invoke-Benchmark.ps1') -Smoke -LabFile $env:OPENIM_LAB `
            -ModulePath $module -WorkFolder $work -OutFile $report 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)

        $results = Get-Content (Join-Path $work 'results-smoke.json') -Raw | ConvertFrom-Json
        $results.Failures | Should -BeNullOrEmpty
        $results.Rows.Id | Should -Be @('1', '1r', '2', '3', '4', '5', '6i', '6m')
        foreach ($row in $results.Rows) {
            $row.Runs | Should -Be 1 -Because $row.Id
            $row.OursMedian | Should -BeGreaterThan 0 -Because $row.Id
        }

        $text = Get-Content $report -Raw
        $text | Should -Match 'smoke run'
        $text | Should -Match '\| 6m \| Working-set growth'
    }
}
