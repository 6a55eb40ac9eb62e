# Lab tests of Invoke-OpenImPull and Get-OpenImLocalImage against the lab's real dockerd engines.

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
}

Describe 'Invoke-OpenImPull against the lab engines' -Tag Lab -Skip:$noLab {
    BeforeAll {
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'pull')
        $engine1 = $lab.Engines[0].DockerHost
        $engine2 = $lab.Engines[1].DockerHost
        $ghcrHost = ($lab.Registries | Where-Object Name -EQ Ghcr).Host
        Reset-OpenImLab
    }

    BeforeEach {
        Clear-LabEngine $engine1
        Clear-LabEngine $engine2

        # A registry that failed in an earlier test is tried last for a while; a fresh probe of every
        # registry clears that, as it would for a user.
        Test-OpenImRegistry | Out-Null
    }

    AfterEach {
        Reset-OpenImLab
    }

    It 'pulls the Release heads from the pipeline, names them as requested, and reports UpToDate the second time' {
        $heads = Get-OpenImTag -Channel Release
        $results = $heads | Invoke-OpenImPull -DockerHost $engine1
        @($results.Status) | Should -Be @('Pulled', 'Pulled')
        foreach ($head in $heads) {
            $result = $results | Where-Object Image -EQ $head.Image
            $result.Reference | Should -Be $head.Reference
            $result.Digest | Should -Be $head.Digest
            $result.Registry | Should -Be 'Ghcr'
            $result.DockerHost | Should -Be $engine1
            $result.Bytes | Should -BeGreaterThan 0
            $local = Get-LabEngineImage $engine1 $head.Reference
            $local.Id | Should -Be $result.ImageId
            $local.RepoDigests | Should -Contain "$ghcrHost/openimsdk/$($head.Image)@$($head.Digest)"
            "$($local.Os)/$($local.Architecture)" | Should -Be $result.Platform
        }

        $again = $heads | Invoke-OpenImPull -DockerHost $engine1
        @($again.Status) | Should -Be @('UpToDate', 'UpToDate')
        @($again.ImageId) | Should -Be @($results.ImageId)
    }

    It 'pulls by -Image and -Tag, and by -Reference' {
        (Invoke-OpenImPull -Image openim-chat -Tag v1.8.3 -DockerHost $engine1).Reference | Should -Be 'ghcr.io/openimsdk/openim-chat:v1.8.3'
        $byReference = 'docker.io/openim/openim-chat:v1.8.2' | Invoke-OpenImPull -DockerHost $engine1
        $byReference.Registry | Should -Be 'DockerHub'
        Get-LabEngineImage $engine1 'openim/openim-chat:v1.8.2' | Should -Not -BeNullOrEmpty
    }

    It 'falls back to the next registry with a warning when the first is down, and fails with -NoFallback' {
        Set-OpenImLabFault -Registry Ghcr -Mode Down
        $warnings = $null
        $result = Invoke-OpenImPull -Image openim-chat -Tag v1.8.4 -DockerHost $engine1 -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Registry | Should -Be 'Aliyun'
        $result.Status | Should -Be 'Pulled'
        ($warnings -join "`n") | Should -Match 'Ghcr failed'

        { Invoke-OpenImPull -Image openim-chat -Tag v1.8.3 -DockerHost $engine1 -NoFallback -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'RegistryUnreachable,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
        Get-LabEngineImage $engine1 'ghcr.io/openimsdk/openim-chat:v1.8.3' | Should -BeNullOrEmpty
    }

    It 'falls back when the first registry denies the download' {
        Set-OpenImLabFault -Registry Ghcr -Mode Denied -Match '/blobs/'
        $warnings = $null
        $result = Invoke-OpenImPull -Image openim-server -Tag v3.8.2 -DockerHost $engine1 -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Registry | Should -Be 'Aliyun'
        ($warnings -join "`n") | Should -Match 'Ghcr could not deliver .*PullAccessDenied'
    }

    It 'never takes a drifted tag from a mirror: the content is pulled by the digest the first registry reports' {
        $expected = (Get-OpenImTag -Image openim-server -Channel Release -Registry Ghcr).Digest
        $drifted = (Get-OpenImTag -Image openim-server -Channel Release -Registry DockerHub).Digest
        $drifted | Should -Not -Be $expected -Because 'the lab seeds release-v3.8.3 drifted on DockerHub'

        # Ghcr answers with the digest but cannot deliver, Aliyun is down: only DockerHub is left.
        Set-OpenImLabFault -Registry Ghcr -Mode Denied -Match '/blobs/'
        Set-OpenImLabFault -Registry Aliyun -Mode Down
        $result = Invoke-OpenImPull -Image openim-server -Tag release-v3.8.3 -DockerHost $engine1 -WarningAction SilentlyContinue
        $result.Registry | Should -Be 'DockerHub'
        $result.Digest | Should -Be $expected
        $result.Source | Should -BeLike "*@$expected"
        (Get-LabEngineImage $engine1 'ghcr.io/openimsdk/openim-server:release-v3.8.3').RepoDigests -join ' ' | Should -Not -Match $drifted
    }

    It 'skips a mirror that lacks the digest with a DigestMismatch warning' {
        Set-OpenImLabFault -Registry Ghcr -Mode Denied -Match '/blobs/'
        $warnings = $null
        $result = Invoke-OpenImPull -Image openim-chat -Tag v1.8.4-patch.5 -DockerHost $engine1 -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Registry | Should -Be 'DockerHub'
        ($warnings -join "`n") | Should -Match 'DigestMismatch: Aliyun does not have'
    }

    It 'refuses a platform the index lacks with PlatformNotAvailable, before any download' {
        Reset-OpenImLabStats
        $problem = $null
        Invoke-OpenImPull -Image openim-server -Tag v3.8.3-patch.15 -Platform linux/arm64 -DockerHost $engine1 -ErrorVariable problem -ErrorAction SilentlyContinue
        $problem[0].FullyQualifiedErrorId | Should -Be 'PlatformNotAvailable,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
        $problem[0].Exception.Message | Should -Match 'linux/amd64'
        (Get-OpenImLabStats).Blob | Measure-Object -Sum | ForEach-Object Sum | Should -Be 0
        Get-LabEngineImage $engine1 'ghcr.io/openimsdk/openim-server:v3.8.3-patch.15' | Should -BeNullOrEmpty
    }

    It 'pulls an arm64 image when asked' {
        $result = Invoke-OpenImPull -Image openim-server -Tag v3.8.3-patch.14 -Platform linux/arm64 -DockerHost $engine1
        $result.Platform | Should -Be 'linux/arm64'
    }

    It 'pulls onto every engine given with -DockerHost' {
        $results = Invoke-OpenImPull -Image openim-chat -Tag v1.8.1 -DockerHost $engine1, $engine2
        @($results.DockerHost) | Should -Be @($engine1, $engine2)
        Get-LabEngineImage $engine1 'ghcr.io/openimsdk/openim-chat:v1.8.1' | Should -Not -BeNullOrEmpty
        Get-LabEngineImage $engine2 'ghcr.io/openimsdk/openim-chat:v1.8.1' | Should -Not -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        Reset-OpenImLabStats
        Get-OpenImTag -Channel Release | Invoke-OpenImPull -DockerHost $engine1 -WhatIf
        (& docker -H $engine1 images -q) | Should -BeNullOrEmpty
        (Get-OpenImLabStats).Blob | Measure-Object -Sum | ForEach-Object Sum | Should -Be 0
    }

    It 'reports an engine that is not running as EngineUnavailable, once' {
        $missing = 'unix://' + (Join-Path $TestDrive 'no-such-engine.sock')
        $problems = $null
        Get-OpenImTag -Channel Release | Invoke-OpenImPull -DockerHost $missing -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'EngineUnavailable,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($missing))
    }

    It 'reports a missing tag with TagNotFound and goes on with the next image' {
        $results = @(
            [pscustomobject]@{ Image = 'openim-chat'; Tag = 'v9.9.9' }
            [pscustomobject]@{ Image = 'openim-chat'; Tag = 'v1.8.0' }
        ) | Invoke-OpenImPull -DockerHost $engine1 -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $results.Tag | Should -Be 'v1.8.0'
        $problems[0].FullyQualifiedErrorId | Should -Be 'TagNotFound,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
    }

    It 'stops within a second when the pipeline is stopped during a slow pull' {
        Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 20000 -Match '/blobs/'
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($ModulePath, $Config, $DockerConfig, $DockerHost)
                    $env:OPENIM_CONFIG = $Config
                    $env:DOCKER_CONFIG = $DockerConfig
                    Import-Module $ModulePath
                    Invoke-OpenImPull -Image openim-chat -Tag v1.7.1 -DockerHost $DockerHost -NoFallback
                }).AddArgument($script:ModulePath).AddArgument($env:OPENIM_CONFIG).AddArgument($env:DOCKER_CONFIG).AddArgument($engine1)
            $handle = $shell.BeginInvoke()

            # Planning takes well under the 3 s waited here; the engine then waits 20 s for each blob.
            Start-Sleep -Seconds 3
            $handle.IsCompleted | Should -BeFalse -Because 'the pull must still be running when it is stopped'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
            $handle.IsCompleted | Should -BeTrue
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-LabEngineImage $engine1 'ghcr.io/openimsdk/openim-chat:v1.7.1' | Should -BeNullOrEmpty
        }
        finally {
            $shell.Dispose()
        }
    }
}

Describe 'Get-OpenImLocalImage against the lab engines' -Tag Lab -Skip:$noLab {
    BeforeAll {
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'local')
        $engine = $lab.Engines[1].DockerHost
        Reset-OpenImLab
        Clear-LabEngine $engine
        $pulled = Get-OpenImTag -Image openim-server | Invoke-OpenImPull -DockerHost $engine
    }

    AfterAll {
        Clear-LabEngine $engine
    }

    It 'maps the engine images back to image, registry, tag, channel and digest' {
        $local = Get-OpenImLocalImage -DockerHost $engine
        @($local.Tag | Sort-Object) | Should -Be @($pulled.Tag | Sort-Object)
        foreach ($image in $local) {
            $image.Image | Should -Be 'openim-server'
            $image.Registry | Should -Be 'Ghcr'
            $image.LocalDigest | Should -Be ($pulled | Where-Object Tag -EQ $image.Tag).Digest
        }
        ($local | Where-Object Tag -EQ 'v3.8.3-patch.15').Channel | Should -Be 'Version'
    }

    It 'flags a rolling tag after the registry moves it, and only that one' {
        Get-OpenImLocalImage -DockerHost $engine -Outdated | Should -BeNullOrEmpty
        Move-OpenImLabTag -Registry Ghcr -Image openim-server -Tag latest -To v3.8.2
        try {
            $outdated = Get-OpenImLocalImage -DockerHost $engine -Outdated
            $outdated.Tag | Should -Be 'latest'
            $outdated.IsOutdated | Should -BeTrue
            $outdated.RemoteDigest | Should -Not -Be $outdated.LocalDigest

            # Piping the outdated image into a pull fetches what the tag points to now.
            $refreshed = $outdated | Invoke-OpenImPull -DockerHost $engine
            $refreshed.Status | Should -Be 'Pulled'
            $refreshed.Digest | Should -Be $outdated.RemoteDigest
            Get-OpenImLocalImage -DockerHost $engine -Outdated | Should -BeNullOrEmpty
        }
        finally {
            Move-OpenImLabTag -Registry Ghcr -Image openim-server -Tag latest -To v3.8.3
        }
    }
}
