# Cancellation (docs/reliability.md): Stop() on a [powershell] running a command returns within one
# second wherever the command waits: in a tag listing, a token fetch, a retry wait, a pull, or for
# another process's settings write. Where it can be seen, the work itself ends too: no retry is sent
# after the stop, and the engine drops the download.

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

Describe 'Reliability: cancellation' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        . $PSScriptRoot/ReliabilityHelpers.ps1
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'cancellation')
        $engine = $lab.Engines[0].DockerHost
        Reset-OpenImLab
    }

    BeforeEach {
        Test-OpenImRegistry | Out-Null
        Reset-OpenImLabStats
    }

    AfterEach {
        Reset-OpenImLab
    }

    It 'Stop during a tag listing (the registry answers after 20 s) => returns within 1 s, Stopped' {
        Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 20000 -Match '/tags/list' | Out-Null
        $stop = Measure-OpenImStop -Script { Get-OpenImTag -Image openim-server -Registry Ghcr -All } -WaitSeconds 1.5
        $stop.WasRunning | Should -BeTrue -Because 'the listing must still be waiting when it is stopped'
        $stop.StopSeconds | Should -BeLessThan 1
        $stop.State | Should -Be 'Stopped'
    }

    It 'Stop during a token fetch (the token service answers after 20 s) => returns within 1 s, Stopped' {
        [OpenIm.PowerShell.Registry.RegistrySession]::Shared.Reset()
        Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 20000 -Match '^/token' | Out-Null
        $stop = Measure-OpenImStop -Script { Get-OpenImTag -Image openim-chat -Registry Ghcr -All } -WaitSeconds 1.5
        $stop.WasRunning | Should -BeTrue
        $stop.StopSeconds | Should -BeLessThan 1
        $stop.State | Should -Be 'Stopped'
        (Get-OpenImLabStats -Registry Ghcr).Requests | Where-Object kind -EQ tags | Should -Not -BeNullOrEmpty -Because 'the command got as far as the token'
    }

    It 'Stop during a retry wait (429, Retry-After 3 s) => returns within 1 s; the retry is never sent' {
        Set-OpenImLabFault -Registry Ghcr -Mode RateLimit -RetryAfter 3 -Match '/tags/list' | Out-Null
        $stop = Measure-OpenImStop -Script { Get-OpenImTag -Image openim-server -Registry Ghcr -All } -WaitSeconds 1.2
        $stop.WasRunning | Should -BeTrue
        $stop.StopSeconds | Should -BeLessThan 1
        $stop.State | Should -Be 'Stopped'

        # Had the wait gone on behind the stop, the retry would reach the registry at 3 s.
        Start-Sleep -Seconds 2.5
        @((Get-OpenImLabStats -Registry Ghcr).Requests | Where-Object kind -EQ tags).Count | Should -Be 1
    }

    It 'Stop during a pull (each layer takes 5 s) => returns within 1 s; when the layers arrive, the engine makes no image of them' {
        $digest = (Get-OpenImManifest -Image openim-chat -Tag v1.7.0 -Registry Ghcr).Digest
        $stale = & docker -H $engine images --digests --format '{{.ID}} {{.Digest}}' | Where-Object { $_ -like "* $digest" }
        if ($stale) { & docker -H $engine rmi -f @($stale | ForEach-Object { $_.Split(' ')[0] }) 2>&1 | Out-Null }
        Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 5000 -Match '/blobs/' | Out-Null
        $stop = Measure-OpenImStop -Script {
            param($DockerHost)
            Invoke-OpenImPull -Image openim-chat -Tag v1.7.0 -DockerHost $DockerHost -NoFallback
        } -ArgumentList $engine -WaitSeconds 2
        $stop.WasRunning | Should -BeTrue
        $stop.StopSeconds | Should -BeLessThan 1
        $stop.State | Should -Be 'Stopped'

        # Had the pull gone on behind the stop, the engine would store the image once the layers come.
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        do {
            Start-Sleep -Milliseconds 250
            $blobs = @((Get-OpenImLabStats -Registry Ghcr).Requests | Where-Object kind -EQ blob)
        } until ($blobs.Count -gt 0 -or [datetime]::UtcNow -gt $deadline)
        $blobs.Count | Should -BeGreaterThan 0 -Because 'the engine had asked for the layers'
        Start-Sleep -Seconds 1.5
        @(& docker -H $engine images --digests --format '{{.Repository}}@{{.Digest}}') -like "*@$digest" |
            Should -BeNullOrEmpty -Because 'the stopped pull left no image, not even by digest'
    }

    It 'Stop while another process holds the settings file for writing => returns within 1 s; the file is unchanged' {
        $pending = "$env:OPENIM_CONFIG.pending"
        $before = Get-Content -LiteralPath $env:OPENIM_CONFIG -Raw
        Set-Content -LiteralPath $pending -Value 'another writer'
        try {
            $stop = Measure-OpenImStop -Script { Register-OpenImRegistry -Name Waiting -Uri https://mirror.example.com -Namespace openimsdk } -WaitSeconds 1
            $stop.WasRunning | Should -BeTrue -Because 'the settings lock is held for 10 s before it gives up'
            $stop.StopSeconds | Should -BeLessThan 1
            $stop.State | Should -Be 'Stopped'
        } finally {
            Remove-Item -LiteralPath $pending
        }

        Get-Content -LiteralPath $env:OPENIM_CONFIG -Raw | Should -Be $before
    }
}
