# The fault matrix (docs/reliability.md): each row switches one fault on in the lab, or in a small
# stand-in of ReliabilityStandIn.cs where the lab has no such fault, and shows the outcome and that
# nothing else is lost: the other pipeline items still come out, images already on an engine stay,
# and the settings file is untouched. Titles read "row => outcome"; tools/ReliabilityReport.ps1
# turns them into the table.

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1

    function Get-LabRequest([string] $Registry, [string] $PathPattern) {
        @((Get-OpenImLabStats -Registry $Registry).Requests | Where-Object path -Match $PathPattern)
    }

    function Get-SettingsHash {
        (Get-FileHash -LiteralPath $env:OPENIM_CONFIG -Algorithm SHA256).Hash
    }
}

Describe 'Reliability: registry faults' -Tag Lab -Skip:$noLab {
    BeforeAll {
        Import-OpenImTestModule
        . $PSScriptRoot/ReliabilityHelpers.ps1
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'registry-faults')
        Reset-OpenImLab

        # Stand-ins for the faults the lab cannot show, registered last so fallbacks never reach them.
        $standIns = @{}
        function Add-StandIn([string] $Name, [string] $Mode) {
            $standIn = Start-StandIn -Mode $Mode
            Register-OpenImRegistry -Name $Name -Uri $standIn.Uri -Namespace openimsdk -Priority 900
            $standIns[$Name] = $standIn
            $standIn
        }

        $elsewhere = Add-StandIn -Name Elsewhere -Mode tags
        $null = Add-StandIn -Name ResetPage -Mode reset-tags
        (Add-StandIn -Name ForeignLink -Mode foreign-link).Elsewhere = $elsewhere.Uri
        $null = Add-StandIn -Name SelfLink -Mode self-link
        $null = Add-StandIn -Name HtmlPage -Mode html-200
        $null = Add-StandIn -Name RefuseTokens -Mode reject-tokens
        (Add-StandIn -Name RealmDown -Mode realm-down).Elsewhere = "http://127.0.0.1:$([OpenImTest.StandIn]::ClosedPort())/token"
        (Add-StandIn -Name HugeSized -Mode huge-manifest).HugeSize = 64MB
        (Add-StandIn -Name HugeUnsized -Mode huge-manifest-unsized).HugeSize = 64MB
        $null = Add-StandIn -Name ManyTags -Mode many-tags
        $builtIn = 'Ghcr', 'Aliyun', 'DockerHub'
    }

    AfterAll {
        $standIns.Values | ForEach-Object { $_.Dispose() }
        Reset-OpenImLab
    }

    BeforeEach {
        # A registry that failed in an earlier row is tried last for a while; a fresh probe clears that.
        Test-OpenImRegistry -Registry $builtIn | Out-Null
        Reset-OpenImLabStats
        $settingsBefore = Get-SettingsHash
    }

    AfterEach {
        Reset-OpenImLab
        Get-SettingsHash | Should -Be $settingsBefore -Because 'a registry fault never touches the settings file'
    }

    It '429 with Retry-After 1 s, once => waited out, then both images from Ghcr' {
        Set-OpenImLabFault -Registry Ghcr -Mode RateLimit -Count 1 -RetryAfter 1 -Match '/tags/list' | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $tags = Get-OpenImTag -Image openim-server, openim-chat -Channel Release -ErrorVariable problems -WarningVariable warnings
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9 -Because 'Retry-After: 1 is honoured'
        @($tags.Image) | Should -Be @('openim-server', 'openim-chat')
        @($tags.Registry | Sort-Object -Unique) | Should -Be 'Ghcr'
        $problems | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        @(Get-LabRequest Ghcr '/tags/list' | Where-Object status -EQ 429).Count | Should -Be 1
    }

    It '429 with Retry-After 60 s, past the 20 s cap => RateLimited at once; the other image is still listed' {
        Set-OpenImLabFault -Registry Ghcr -Mode RateLimit -RetryAfter 60 -Match '/openim-server/tags/list' | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $tags = Get-OpenImTag -Image openim-server, openim-chat -Registry Ghcr -Channel Release -ErrorVariable problems -ErrorAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5 -Because 'a wait past the cap is not waited at all'
        $tags.Image | Should -Be 'openim-chat'
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'RateLimited,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        $problems[0].Exception.Message | Should -Match 'asks to wait 60 s'
        @(Get-LabRequest Ghcr '/openim-server/tags/list').Count | Should -Be 1 -Because 'it is not retried'
    }

    It '429 with Retry-After 60 s and no -Registry => the next registry answers, with a warning' {
        Set-OpenImLabFault -Registry Ghcr -Mode RateLimit -RetryAfter 60 -Match '/tags/list' | Out-Null
        $tags = Get-OpenImTag -Image openim-server, openim-chat -Channel Release -WarningVariable warnings -WarningAction SilentlyContinue
        @($tags.Image) | Should -Be @('openim-server', 'openim-chat')
        @($tags.Registry | Sort-Object -Unique) | Should -Be 'Aliyun'
        ($warnings -join "`n") | Should -Match 'Ghcr failed for openim-server \(RateLimited\); trying Aliyun'
    }

    It '429 on every attempt with Retry-After 1 s => four attempts, then RateLimited' {
        Set-OpenImLabFault -Registry Ghcr -Mode RateLimit -RetryAfter 1 -Match '/tags/list' | Out-Null
        { Get-OpenImTag -Image openim-chat -Registry Ghcr -Channel Latest -ErrorAction Stop } |
            Should -Throw -ErrorId 'RateLimited,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        @(Get-LabRequest Ghcr '/tags/list').Count | Should -Be 4
    }

    It 'Docker Hub pull quota used up => RateLimited with the quota, and Test-OpenImRegistry shows 0 left' {
        Set-OpenImLabRateLimit -Registry DockerHub -Limit 100 -Remaining 0 | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        { Get-OpenImManifest -Image openim-server -Tag v3.8.3 -Registry DockerHub -ErrorAction Stop } |
            Should -Throw -ErrorId 'RateLimited,OpenIm.PowerShell.Commands.GetOpenImManifestCommand' -ExpectedMessage '*Quota: 0 of 100*'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5 -Because 'the window takes hours; nothing is waited'
        (Test-OpenImRegistry -Registry DockerHub).RateRemaining | Should -Be 0
    }

    It 'A burst of three 503 answers => retried with backoff, then every tag' {
        $expected = @(Get-OpenImTag -Image openim-server -Registry Ghcr -All).Count
        Reset-OpenImLabStats
        Set-OpenImLabFault -Registry Ghcr -Mode Unavailable -Count 3 -Match '/tags/list' | Out-Null
        $tags = Get-OpenImTag -Image openim-server -Registry Ghcr -All -ErrorAction Stop
        $tags.Count | Should -Be $expected
        @(Get-LabRequest Ghcr '/tags/list' | Where-Object status -EQ 503).Count | Should -Be 3
    }

    It '503 that does not end => RegistryServerError after four attempts; the other image is still listed' {
        Set-OpenImLabFault -Registry Ghcr -Mode Unavailable -Match '/openim-server/tags/list' | Out-Null
        $tags = Get-OpenImTag -Image openim-server, openim-chat -Registry Ghcr -Channel Release -ErrorVariable problems -ErrorAction SilentlyContinue
        $tags.Image | Should -Be 'openim-chat'
        $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryServerError,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        @(Get-LabRequest Ghcr '/openim-server/tags/list').Count | Should -Be 4
    }

    It 'A connection reset in the middle of a tag page, once => retried, every tag arrives' {
        $standIns.ResetPage.FailuresLeft = 1
        $before = $standIns.ResetPage.Count('/tags/list')
        $tags = Get-OpenImTag -Image openim-server -Registry ResetPage -All -ErrorAction Stop
        @($tags.Tag | Sort-Object) | Should -Be @('latest', 'main', 'release-v3.8', 'v3.8.2', 'v3.8.3')
        $standIns.ResetPage.Count('/tags/list') - $before | Should -Be 2
    }

    It 'A connection reset in the middle of every tag page => RegistryUnreachable after four attempts; Ghcr in the same call still answers' {
        $standIns.ResetPage.FailuresLeft = 1000
        try {
            $before = $standIns.ResetPage.Count('/tags/list')
            $tags = Get-OpenImTag -Image openim-server -Registry ResetPage, Ghcr -Channel Latest -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryUnreachable,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
            $problems[0].Exception.Message | Should -Match 'the connection broke.*after 4 attempts'
            $tags.Registry | Should -Be 'Ghcr'
            $standIns.ResetPage.Count('/tags/list') - $before | Should -Be 4
        } finally {
            $standIns.ResetPage.FailuresLeft = 0
        }
    }

    It 'Answers slower than the timeout (OPENIM_REQUEST_TIMEOUT=1) => RegistryTimeout after four attempts; Aliyun still answers' {
        $env:OPENIM_REQUEST_TIMEOUT = '1'
        try {
            Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 3000 -Match '/tags/list' | Out-Null
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $tags = Get-OpenImTag -Image openim-chat -Registry Ghcr, Aliyun -Channel Latest -ErrorVariable problems -ErrorAction SilentlyContinue
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 9 -Because 'four attempts of 1 s plus backoff, not four of 3 s'
            $tags.Registry | Should -Be 'Aliyun'
            $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryTimeout,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
            $problems[0].Exception.Message | Should -Match 'no answer within 1 s \(after 4 attempts\)'
        } finally {
            $env:OPENIM_REQUEST_TIMEOUT = $null
        }
    }

    It 'An answer slower than the timeout, once => the retry answers' {
        $env:OPENIM_REQUEST_TIMEOUT = '1'
        try {
            Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 3000 -Count 1 -Match '/tags/list' | Out-Null
            $tag = Get-OpenImTag -Image openim-chat -Registry Ghcr -Channel Latest -ErrorAction Stop
            $tag.Registry | Should -Be 'Ghcr'
            $tag.Digest | Should -Match '^sha256:'
        } finally {
            $env:OPENIM_REQUEST_TIMEOUT = $null
        }
    }

    It 'The token endpoint dropping connections while /v2/ works => RegistryUnreachable that names the token service' {
        [OpenIm.PowerShell.Registry.RegistrySession]::Shared.Reset()
        Set-OpenImLabFault -Registry Ghcr -Mode Drop -Match '^/token' | Out-Null
        $asked = @{ Image = 'openim-server', 'openim-chat'; Registry = 'Ghcr', 'Aliyun'; Channel = 'Latest' }
        $tags = Get-OpenImTag @asked -ErrorVariable problems -ErrorAction SilentlyContinue
        @($tags.Registry | Sort-Object -Unique) | Should -Be 'Aliyun'
        $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryUnreachable,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        $problems[0].Exception.Message | Should -Match 'its token service http://127\.0\.0\.1:\d+/token did not answer'
    }

    It 'The token endpoint refusing connections (another host) while /v2/ works => RegistryUnreachable that names the token service' {
        $named = "*token service $($standIns.RealmDown.Elsewhere)*"
        { Get-OpenImTag -Image openim-server -Registry RealmDown -All -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryUnreachable,OpenIm.PowerShell.Commands.GetOpenImTagCommand' -ExpectedMessage $named
        $standIns.RealmDown.Count('/tags/list') | Should -BeGreaterThan 0 -Because 'the registry itself answered'
    }

    It 'The token endpoint answering 503 => RegistryServerError for the token service after four attempts' {
        [OpenIm.PowerShell.Registry.RegistrySession]::Shared.Reset()
        Set-OpenImLabFault -Registry Ghcr -Mode Unavailable -Match '^/token' | Out-Null
        { Get-OpenImTag -Image openim-server -Registry Ghcr -All -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryServerError,OpenIm.PowerShell.Commands.GetOpenImTagCommand' -ExpectedMessage '*token service*'
        (Get-OpenImLabStats -Registry Ghcr).Token | Should -Be 4
    }

    It 'A token that expires in the middle of paging => one re-auth, every tag' {
        $expected = @(Get-OpenImTag -Image openim-server -Registry Ghcr -All).Count
        [OpenIm.PowerShell.Registry.RegistrySession]::Shared.Reset()
        Set-OpenImLabTokenLifetime -Registry Ghcr -Seconds 2 | Out-Null

        # The first two tag requests (anonymous, then page 1) pass at once; page 2 is held past the
        # token's 2 s, so the registry sees an expired token there.
        Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 0 -Count 2 -Match '/tags/list' | Out-Null
        Set-OpenImLabFault -Registry Ghcr -Mode Slow -DelayMs 2500 -Count 1 -Match '/tags/list' | Out-Null
        Reset-OpenImLabStats
        $records = Get-OpenImTag -Image openim-server -Registry Ghcr -All -Verbose 4>&1
        @($records | Where-Object { $_ -is [OpenIm.PowerShell.Registry.OpenImTag] }).Count | Should -Be $expected
        ($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match 'the token was refused \(invalid_token\)'
        $stats = Get-OpenImLabStats -Registry Ghcr
        $stats.Token | Should -Be 2 -Because 'one token, then one re-auth when it expired'
        @($stats.Requests | Where-Object { $_.kind -eq 'tags' -and $_.status -eq 401 }).Count | Should -Be 2
    }

    It 'A registry that refuses every token => one re-auth per request, then RegistryAuthenticationRequired (no loop)' {
        $before = $standIns.RefuseTokens.Requests.Count
        foreach ($attempt in 1..2) {
            { Get-OpenImTag -Image openim-server -Registry RefuseTokens -All -ErrorAction Stop } |
                Should -Throw -ErrorId 'RegistryAuthenticationRequired,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        }

        $standIns.RefuseTokens.Requests.Count - $before | Should -BeLessOrEqual 6
        $standIns.RefuseTokens.Count('/token') | Should -BeLessOrEqual 2
    }

    It 'A next-page Link to another host => UnsafeLink; nothing is sent there' {
        $named = "*$(([uri] $elsewhere.Uri).Authority)*"
        { Get-OpenImTag -Image openim-server -Registry ForeignLink -All -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsafeLink,OpenIm.PowerShell.Commands.GetOpenImTagCommand' -ExpectedMessage $named
        $standIns.Elsewhere.Requests.Count | Should -Be 0
    }

    It 'A next-page Link to itself => RegistryProtocolError (pages without end), not a loop' {
        { Get-OpenImTag -Image openim-server -Registry SelfLink -All -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryProtocolError,OpenIm.PowerShell.Commands.GetOpenImTagCommand' -ExpectedMessage '*pages without end*'
        $standIns.SelfLink.Count('/tags/list') | Should -Be 1
    }

    It 'A wrong Docker-Content-Digest => DigestMismatch; the other tags in the pipeline are still read' {
        Set-OpenImLabFault -Registry Ghcr -Mode WrongDigest -Count 1 -Match '/manifests/v3\.8\.3$' | Out-Null
        $manifests = 'v3.8.2', 'v3.8.3', 'v3.8.1' |
            ForEach-Object { [pscustomobject]@{ Image = 'openim-server'; Tag = $_; Registry = 'Ghcr' } } |
            Get-OpenImManifest -ErrorVariable problems -ErrorAction SilentlyContinue
        @($manifests.Tag) | Should -Be @('v3.8.2', 'v3.8.1')
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'DigestMismatch,OpenIm.PowerShell.Commands.GetOpenImManifestCommand'
        $problems[0].Exception.Message | Should -Match 'does not match its digest'
    }

    It 'A manifest over the 4 MiB cap, with its length declared => ResponseTooLarge before the body is read' {
        $allocated = [GC]::GetTotalAllocatedBytes($true)
        { Get-OpenImManifest -Image openim-server -Tag v3.8.3 -Registry HugeSized -ErrorAction Stop } |
            Should -Throw -ErrorId 'ResponseTooLarge,OpenIm.PowerShell.Commands.GetOpenImManifestCommand'
        ([GC]::GetTotalAllocatedBytes($true) - $allocated) / 1MB | Should -BeLessThan 16 -Because 'the 64 MiB body is never read'
    }

    It 'A manifest over the 4 MiB cap, without a declared length => ResponseTooLarge once 4 MiB are read' {
        $allocated = [GC]::GetTotalAllocatedBytes($true)
        { Get-OpenImManifest -Image openim-server -Tag v3.8.3 -Registry HugeUnsized -ErrorAction Stop } |
            Should -Throw -ErrorId 'ResponseTooLarge,OpenIm.PowerShell.Commands.GetOpenImManifestCommand'
        ([GC]::GetTotalAllocatedBytes($true) - $allocated) / 1MB | Should -BeLessThan 40 -Because 'reading stops at the cap, far short of 64 MiB'
    }

    It 'An image with 100,000 tags => 100 pages read, the Version head found, memory stays bounded' {
        [GC]::Collect()
        $retained = [GC]::GetTotalMemory($true)
        $peak = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
        $head = Get-OpenImTag -Image openim-server -Registry ManyTags -Channel Version -ErrorAction Stop
        $head.Tag | Should -Be 'v1.99.999'
        $standIns.ManyTags.Count('/tags/list') | Should -Be 100
        ([GC]::GetTotalMemory($true) - $retained) / 1MB | Should -BeLessThan 32 -Because 'nothing of the listing is kept'
        ([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 - $peak) / 1MB | Should -BeLessThan 300
    }

    It 'Malformed JSON in a tag page => RegistryProtocolError; the other image is still listed' {
        Set-OpenImLabFault -Registry Ghcr -Mode Garbage -Match '/openim-server/tags/list' | Out-Null
        $tags = Get-OpenImTag -Image openim-server, openim-chat -Registry Ghcr -Channel Latest -ErrorVariable problems -ErrorAction SilentlyContinue
        $tags.Image | Should -Be 'openim-chat'
        $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryProtocolError,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        $problems[0].Exception.Message | Should -Match 'not valid JSON'
    }

    It 'Malformed JSON in a tag page, without -Registry => the next registry answers, with a warning' {
        Set-OpenImLabFault -Registry Ghcr -Mode Garbage -Match '/tags/list' | Out-Null
        $tag = Get-OpenImTag -Image openim-chat -Channel Latest -WarningVariable warnings -WarningAction SilentlyContinue
        $tag.Registry | Should -Be 'Aliyun'
        ($warnings -join "`n") | Should -Match 'RegistryProtocolError\); trying Aliyun'
    }

    It 'An HTML 502 page where JSON was expected => RegistryServerError after four attempts, no HTML in the message' {
        Set-OpenImLabFault -Registry Ghcr -Mode Html -Match '/manifests/' | Out-Null
        $problem = $null
        try { Get-OpenImManifest -Image openim-server -Tag v3.8.3 -Registry Ghcr -ErrorAction Stop } catch { $problem = $_ }
        $problem.FullyQualifiedErrorId | Should -Be 'RegistryServerError,OpenIm.PowerShell.Commands.GetOpenImManifestCommand'
        $problem.Exception.Message | Should -Match 'HTTP 502'
        $problem.Exception.Message | Should -Not -Match '<html|nginx'
        @(Get-LabRequest Ghcr '/manifests/').Count | Should -Be 4
    }

    It 'An HTML page answered with 200 where JSON was expected => RegistryProtocolError' {
        { Get-OpenImTag -Image openim-server -Registry HtmlPage -All -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryProtocolError,OpenIm.PowerShell.Commands.GetOpenImTagCommand' -ExpectedMessage '*not valid JSON*'
    }
}

Describe 'Reliability: engine faults' -Tag Lab -Skip:$noLab {
    BeforeAll {
        Import-OpenImTestModule
        . $PSScriptRoot/ReliabilityHelpers.ps1
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'engine-faults')
        $ghcr = $lab.Registries | Where-Object Name -EQ Ghcr
        $engine1 = $lab.Engines[0].DockerHost
        $engine2 = $lab.Engines[1].DockerHost
        Register-OpenImRegistry -Name Corp -Uri $ghcr.Uri -Namespace private -Priority 900
        Reset-OpenImLab

        function Get-EngineImageId([string] $DockerHost, [string] $Reference) {
            $id = & docker -H $DockerHost image inspect --format '{{.Id}}' $Reference 2>$null
            if ($LASTEXITCODE -eq 0) { $id }
        }

        # An image already on each engine: no engine fault may touch it.
        $sentinel = 'ghcr.io/openimsdk/openim-chat:v1.8.0'
        $null = Invoke-OpenImPull -Image openim-chat -Tag v1.8.0 -DockerHost $engine1, $engine2 -ErrorAction Stop
        $sentinelIds = @{
            $engine1 = Get-EngineImageId $engine1 $sentinel
            $engine2 = Get-EngineImageId $engine2 $sentinel
        }
    }

    AfterAll {
        Reset-OpenImLab
        foreach ($engine in $engine1, $engine2) {
            & docker -H $engine rmi -f $sentinel 2>&1 | Out-Null
        }
    }

    BeforeEach {
        # Every row starts with the sentinel alone on the engines, so each pull really downloads.
        foreach ($engine in $engine1, $engine2) {
            # An array even for one id: splatting a lone string passes its characters, and docker takes
            # each one as an id prefix.
            $others = @(& docker -H $engine images -q --no-trunc | Sort-Object -Unique | Where-Object { $_ -ne $sentinelIds[$engine] })
            if ($others) { & docker -H $engine rmi -f @others 2>&1 | Out-Null }
        }

        Test-OpenImRegistry -Registry Ghcr, Aliyun, DockerHub | Out-Null
        Reset-OpenImLabStats
        $settingsBefore = Get-SettingsHash
    }

    AfterEach {
        Reset-OpenImLab
        foreach ($engine in $engine1, $engine2) {
            Get-EngineImageId $engine $sentinel | Should -Be $sentinelIds[$engine] -Because 'an image already on the engine stays'
        }

        Get-SettingsHash | Should -Be $settingsBefore
    }

    It 'Engine not running => EngineUnavailable, once; the engine that runs still pulls' {
        $missing = 'unix://' + (Join-Path $TestDrive 'no-such-engine.sock')
        $quiet = @{ ErrorVariable = 'problems'; ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
        $results = Invoke-OpenImPull -Image openim-chat -Tag v1.8.1 -DockerHost $missing, $engine1 @quiet
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'EngineUnavailable,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($missing))
        $results.DockerHost | Should -Be $engine1
        $results.Status | Should -Be 'Pulled'
    }

    It 'Engine stopped in the middle of a pull => EngineUnavailable; the other engine''s pull completes' {
        $dying = Start-StandIn -Mode engine-dies -SocketPath (Join-Path $TestDrive 'dying.sock')
        try {
            $quiet = @{ ErrorVariable = 'problems'; ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
            $hosts = "unix://$($dying.SocketPath)", $engine1
            $results = Invoke-OpenImPull -Image openim-chat -Tag v1.8.2 -DockerHost $hosts @quiet
            $dying.Count('/images/create') | Should -Be 1 -Because 'the engine died during the pull itself'
            @($problems).Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -Be 'EngineUnavailable,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
            $results.DockerHost | Should -Be $engine1
            $results.Status | Should -Be 'Pulled'
        } finally {
            $dying.Dispose()
        }
    }

    It 'An error inside the engine''s pull stream => PullFailed with the engine''s own message' {
        $failing = Start-StandIn -Mode engine-stream-error -SocketPath (Join-Path $TestDrive 'failing.sock')
        try {
            { Invoke-OpenImPull -Image openim-chat -Tag v1.8.4 -DockerHost "unix://$($failing.SocketPath)" -NoFallback -ErrorAction Stop } |
                Should -Throw -ErrorId 'PullFailed,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand' -ExpectedMessage '*no space left on device*'
        } finally {
            $failing.Dispose()
        }
    }

    It 'A layer that fails the engine''s verification (dockerd) => PullFailed with -NoFallback, else pulled from Aliyun' {
        Set-OpenImLabFault -Registry Ghcr -Mode Garbage -Match '/blobs/' | Out-Null
        { Invoke-OpenImPull -Image openim-chat -Tag v1.8.3 -DockerHost $engine1 -NoFallback -ErrorAction Stop } |
            Should -Throw -ErrorId 'PullFailed,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand' -ExpectedMessage '*verification failed*'
        Get-EngineImageId $engine1 'ghcr.io/openimsdk/openim-chat:v1.8.3' | Should -BeNullOrEmpty

        $result = Invoke-OpenImPull -Image openim-chat -Tag v1.8.3 -DockerHost $engine1 -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Registry | Should -Be 'Aliyun'
        ($warnings -join "`n") | Should -Match 'Ghcr could not deliver .*\(PullFailed\); trying Aliyun'
    }

    It 'Access denied (a private repository without credentials, dockerd) => PullAccessDenied' {
        { Invoke-OpenImPull -Image openim-server -Tag latest -Registry Corp -SkipVerify -NoFallback -DockerHost $engine1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PullAccessDenied,OpenIm.PowerShell.Commands.InvokeOpenImPullCommand'
    }

    It 'A connection reset in the middle of a layer => dockerd retries it; pulled with the digest the registry stated' {
        $cutter = Start-StandIn -Mode proxy-cut-blobs
        try {
            $cutter.Elsewhere = $ghcr.Uri
            $cutter.FailuresLeft = 1
            Register-OpenImRegistry -Name Cutter -Uri $cutter.Uri -Namespace openimsdk -Priority 950
            $settingsBefore = Get-SettingsHash
            $expected = (Get-OpenImTag -Image openim-chat -Registry Ghcr -All | Where-Object Tag -EQ v1.7.1 | Get-OpenImManifest).Digest
            $result = Invoke-OpenImPull -Image openim-chat -Tag v1.7.1 -Registry Cutter -NoFallback -DockerHost $engine1 -ErrorAction Stop
            $cutter.Count('CUT ') | Should -Be 1 -Because 'one download was cut in the middle of its body'
            $result.Status | Should -Be 'Pulled'
            $result.Digest | Should -Be $expected
        } finally {
            Unregister-OpenImRegistry -Name Cutter
            $settingsBefore = Get-SettingsHash
            $cutter.Dispose()
        }
    }
}

Describe 'Reliability: settings faults' -Tag Unit {
    BeforeAll {
        Import-OpenImTestModule
        $savedConfig = $env:OPENIM_CONFIG
    }

    AfterAll {
        $env:OPENIM_CONFIG = $savedConfig
    }

    It 'Two pwsh processes registering registries at the same moment => no lost update, no torn file' {
        $folder = Join-Path $TestDrive 'race'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $config = Join-Path $folder 'registries.json'
        $go = Join-Path $folder 'go'
        $writer = Join-Path $folder 'writer.ps1'
        Set-Content -LiteralPath $writer -Value @'
param($ModulePath, $Config, $Go, $Prefix)
$ErrorActionPreference = 'Stop'
$env:OPENIM_CONFIG = $Config
Import-Module $ModulePath
Set-Content -LiteralPath "$Go.$Prefix" -Value 'ready'
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
foreach ($n in 1..15) {
    Register-OpenImRegistry -Name "$Prefix$n" -Uri "https://$($Prefix.ToLowerInvariant())$n.example.com" -Namespace openimsdk
}
'@
        $pwsh = [Environment]::ProcessPath
        $processes = foreach ($prefix in 'A', 'B') {
            $start = @{
                FilePath               = $pwsh
                PassThru               = $true
                NoNewWindow            = $true
                RedirectStandardError  = Join-Path $folder "$prefix.err"
                RedirectStandardOutput = Join-Path $folder "$prefix.out"
                ArgumentList           = @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $writer,
                    '-ModulePath', $script:ModulePath, '-Config', $config, '-Go', $go, '-Prefix', $prefix)
            }
            Start-Process @start
        }

        # Both import the module first; then both start at once, while this process reads.
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not ((Test-Path "$go.A") -and (Test-Path "$go.B")) -and [datetime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 20
        }

        Set-Content -LiteralPath $go -Value 'go'
        $env:OPENIM_CONFIG = $config
        $readErrors = [Collections.Generic.List[object]]::new()
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (($processes | Where-Object { -not $_.HasExited }) -and [datetime]::UtcNow -lt $deadline) {
            Get-OpenImRegistry -ErrorVariable +readErrors -ErrorAction SilentlyContinue | Out-Null
        }

        $processes | ForEach-Object { $_.WaitForExit(5000) | Should -BeTrue }
        Get-Content (Join-Path $folder 'A.err'), (Join-Path $folder 'B.err') -Raw | Should -BeNullOrEmpty
        $processes | ForEach-Object { $_.ExitCode | Should -Be 0 }
        $readErrors | Should -BeNullOrEmpty -Because 'a reader never sees a half-written file'
        $stored = Get-Content -LiteralPath $config -Raw | ConvertFrom-Json
        @($stored.registries.name | Sort-Object) | Should -Be @((1..15 | ForEach-Object { "A$_"; "B$_" }) | Sort-Object)
        Get-ChildItem -LiteralPath $folder | Where-Object Name -Like 'registries.json?*' |
            Should -BeNullOrEmpty -Because 'no lock or temporary file is left'
    }

    It 'A corrupt settings file => SettingsFileCorrupt naming the file; built-in registries keep working; the file is never overwritten' {
        $config = Join-Path $TestDrive 'corrupt/registries.json'
        New-Item -ItemType Directory -Path (Split-Path $config) -Force | Out-Null
        Set-Content -LiteralPath $config -Value '{ "registries": [ { "name": "Corp", "uri": '
        $before = (Get-FileHash -LiteralPath $config).Hash
        $env:OPENIM_CONFIG = $config

        $registries = Get-OpenImRegistry -ErrorVariable problems -ErrorAction SilentlyContinue
        @($registries.Name) | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
        ($registries | Where-Object Name -EQ Ghcr).Uri | Should -Be 'https://ghcr.io/'
        $problems[0].FullyQualifiedErrorId | Should -Be 'SettingsFileCorrupt,OpenIm.PowerShell.Commands.GetOpenImRegistryCommand'
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($config))

        (Get-OpenImImage -Registry Ghcr -ErrorAction SilentlyContinue).Reference | Should -Contain 'ghcr.io/openimsdk/openim-server'
        { Register-OpenImRegistry -Name Other -Uri https://other.example.com -Namespace openimsdk -ErrorAction Stop } |
            Should -Throw -ErrorId 'SettingsFileCorrupt,OpenIm.PowerShell.Commands.RegisterOpenImRegistryCommand'
        { Set-OpenImRegistry -Name Ghcr -Priority 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SettingsFileCorrupt,OpenIm.PowerShell.Commands.SetOpenImRegistryCommand'
        (Get-FileHash -LiteralPath $config).Hash | Should -Be $before
    }
}
