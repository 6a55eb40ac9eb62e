# Lab tests of registry resolution: live tags, channel heads, versions, manifests and drift, against
# the stand-ins of the local lab (see tests/Lab/README.md for the seed and its deliberate drift).

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

Describe 'Get-OpenImTag against the lab' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'tags')
        Reset-OpenImLab
    }

    AfterEach {
        Reset-OpenImLab
    }

    It 'returns one Release head per default image: the newest release branch' {
        $heads = Get-OpenImTag -Channel Release
        $heads.Count | Should -Be 2
        ($heads | Where-Object Image -EQ openim-server).Tag | Should -Be 'release-v3.8.3'
        ($heads | Where-Object Image -EQ openim-chat).Tag | Should -Be 'release-v1.8.4'
        $heads.Registry | Sort-Object -Unique | Should -Be 'Ghcr'
        $heads | ForEach-Object { $_.Digest | Should -Match '^sha256:[0-9a-f]{64}$' }
        $heads[0].Reference | Should -BeLike 'ghcr.io/openimsdk/openim-*:release-v*'
    }

    It 'returns the head of each channel by default, without pre-releases' {
        $heads = Get-OpenImTag -Image openim-server
        @($heads.Channel) | Should -Be @('Main', 'Release', 'Version', 'Latest')
        ($heads | Where-Object Channel -EQ Version).Tag | Should -Be 'v3.8.3-patch.15'
        ($heads | Where-Object Channel -EQ Latest).Tag | Should -Be 'latest'
        ($heads | Where-Object Channel -EQ Main).Tag | Should -Be 'main'
    }

    It 'lets a pre-release lead the Version channel only with -IncludePrerelease' {
        (Get-OpenImTag -Image openim-server -Channel Version -IncludePrerelease).Tag | Should -Be 'v3.8.4-alpha.1'
    }

    It 'returns every tag across pages with -All and logs each round trip in Verbose' {
        Reset-OpenImLabStats
        $verbose = $null
        $all = Get-OpenImTag -Image openim-server -All -Verbose 4>&1 | Tee-Object -Variable verbose |
            Where-Object { $_ -is [OpenIm.PowerShell.Registry.OpenImTag] }
        $all.Count | Should -BeGreaterThan 100
        $all.Tag | Should -Contain 'v3.0.0'
        $all.Tag | Should -Contain 'v3.8.3-patch.15'
        $all.Tag | Should -Contain 'v3.3.3-bate.4'
        @($all.Tag | Sort-Object -Unique).Count | Should -Be $all.Count

        $stats = Get-OpenImLabStats -Registry Ghcr
        $stats.Tags | Should -BeGreaterThan 1 -Because 'more than 100 tags need more than one page'
        $roundTrips = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^Ghcr: GET .* -> \d{3} ' })
        $roundTrips.Count | Should -Be ($stats.Total) -Because 'every request to the registry is one Verbose line'
    }

    It 'lists every tag in channel order, newest first within a channel' {
        $all = Get-OpenImTag -Image openim-chat -All -Channel Version
        $all[0].Tag | Should -Be 'v1.8.4-patch.5'
        $index = [array]::IndexOf([string[]] $all.Tag, 'v1.8.4')
        [array]::IndexOf([string[]] $all.Tag, 'v1.8.4-patch.1') | Should -BeLessThan $index
        [array]::IndexOf([string[]] $all.Tag, 'v1.8.3') | Should -BeGreaterThan $index
    }

    It 'answers from every named registry with -Registry *' {
        $heads = Get-OpenImTag -Image openim-server -Channel Release -Registry *
        @($heads.Registry) | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
    }

    It 'falls back to the next registry when Ghcr is down, and says so' {
        Set-OpenImLabFault -Registry Ghcr -Mode down
        $warnings = $null
        $heads = Get-OpenImTag -Channel Release -WarningVariable warnings -WarningAction SilentlyContinue
        $heads.Count | Should -Be 2
        $heads.Registry | Sort-Object -Unique | Should -Be 'Aliyun'
        ($warnings -join "`n") | Should -Match 'Ghcr failed for openim-server.*trying Aliyun'
    }

    It 'waits out a 429 with Retry-After and succeeds' {
        Set-OpenImLabFault -Registry Ghcr -Mode ratelimit -Count 1 -RetryAfter 1 -Match '/tags/list'
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $verbose = Get-OpenImTag -Image openim-chat -Channel Latest -Verbose 4>&1
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
        ($verbose | Where-Object { $_ -is [OpenIm.PowerShell.Registry.OpenImTag] }).Registry | Should -Be 'Ghcr'
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match '429 .*retrying in \d+ ms \(as Retry-After asks'
    }

    It 'fetches no new token on a second identical call in the same session' {
        Get-OpenImTag -Channel Release | Out-Null
        Reset-OpenImLabStats
        Get-OpenImTag -Channel Release | Out-Null
        (Get-OpenImLabStats -Registry Ghcr).Token | Should -Be 0
    }

    It 'stops before any request for an invalid image name, and names close matches for an unknown one' {
        Reset-OpenImLabStats
        { Get-OpenImTag -Image 'Openim/../server' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidImageName,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        { Get-OpenImTag -Image 'openim-srv' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ImageNotFound,OpenIm.PowerShell.Commands.GetOpenImTagCommand' -ExpectedMessage '*openim-server*'
        (Get-OpenImLabStats -Registry Ghcr).Total | Should -Be 0
    }

    It 'reports a registry that lacks the image and goes on with the next image' {
        $result = Get-OpenImTag -Image openim-web-front, openim-server -Registry Ghcr -Channel Release -ErrorVariable problems -ErrorAction SilentlyContinue
        $result.Image | Should -Be 'openim-server'
        $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryDenied,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        $problems[0].Exception.Message | Should -Match '^Ghcr \('
    }
}

Describe 'Find-OpenImTag against the lab' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'find')
        Reset-OpenImLab
    }

    It 'returns the highest -patch.N of a line with -Latest' {
        $found = Find-OpenImTag -Image openim-server -Version '3.8.*' -Latest
        $found.Tag | Should -Be 'v3.8.3-patch.15'
        $found.Digest | Should -Match '^sha256:'
    }

    It 'drops the image seeded without arm64 with -Platform linux/arm64' {
        $found = Find-OpenImTag -Image openim-server -Version '3.8.*' -Latest -Platform linux/arm64
        $found.Tag | Should -Be 'v3.8.3-patch.14'
        $found.Platforms | Should -Contain 'linux/arm64'
        $found.Platforms | Should -Not -Contain 'unknown/unknown'
    }

    It 'takes NuGet-style ranges and exact versions with or without v' {
        $inRange = Find-OpenImTag -Image openim-server -Version '[3.7,3.8)'
        @($inRange.Tag | Sort-Object) | Should -Be @('v3.7.0', 'v3.7.1')
        (Find-OpenImTag -Image openim-server -Version '3.8.3-patch.2').Tag | Should -Be 'v3.8.3-patch.2'
        (Find-OpenImTag -Image openim-server -Version 'v3.8.3').Tag | Should -Be 'v3.8.3'
    }

    It 'says on which registries each tag exists with -Registry *' {
        $found = Find-OpenImTag -Image openim-chat -Version '1.8.4-patch.5' -Registry *
        $found.AvailableOn | Should -Be @('Ghcr', 'DockerHub')
    }

    It 'stops before any request for an invalid <Parameter>' -ForEach @(
        @{ Parameter = 'version range'; Arguments = @{ Version = '[3.9,3.7' }; ErrorId = 'InvalidVersionRange' }
        @{ Parameter = 'platform'; Arguments = @{ Platform = 'linux/arm64/v8/extra' }; ErrorId = 'InvalidPlatform' }
        @{ Parameter = 'platform with CR/LF'; Arguments = @{ Platform = "linux/amd64`r`nX: 1" }; ErrorId = 'InvalidPlatform' }
    ) {
        Reset-OpenImLabStats
        { Find-OpenImTag @Arguments -ErrorAction Stop } |
            Should -Throw -ErrorId "$ErrorId,OpenIm.PowerShell.Commands.FindOpenImTagCommand"
        (Get-OpenImLabStats -Registry Ghcr).Total | Should -Be 0
    }
}

Describe 'Get-OpenImManifest against the lab' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'manifest')
        Reset-OpenImLab
    }

    AfterEach {
        Reset-OpenImLab
    }

    It 'reports digest, media type, platforms without attestations, sizes and creation time' {
        $manifest = Get-OpenImManifest -Image openim-server -Tag v3.8.3 -IncludeCreated
        $manifest.Digest | Should -Match '^sha256:[0-9a-f]{64}$'
        $manifest.MediaType | Should -Be 'application/vnd.oci.image.index.v1+json'
        @($manifest.Platforms.Platform | Sort-Object) | Should -Be @('linux/amd64', 'linux/arm64')
        $manifest.Platforms | ForEach-Object { $_.Size | Should -BeGreaterThan 0 }
        $manifest.Created.Year | Should -Be 2025
    }

    It 'takes tags from the pipeline and reads them by the digest they carry' {
        $tag = Get-OpenImTag -Image openim-chat -Channel Latest
        $manifest = $tag | Get-OpenImManifest
        $manifest.Digest | Should -Be $tag.Digest
        $manifest.Registry | Should -Be 'Ghcr'
    }

    It 'reads a Docker manifest list of an old release' {
        (Get-OpenImManifest -Image openim-server -Tag v3.0.0).MediaType | Should -Be 'application/vnd.docker.distribution.manifest.list.v2+json'
    }

    It 'takes a full reference' {
        $manifest = Get-OpenImManifest -Reference 'docker.io/openim/openim-server:v3.8.3'
        $manifest.Registry | Should -Be 'DockerHub'
    }

    It 'refuses a wrong Docker-Content-Digest with DigestMismatch' {
        Set-OpenImLabFault -Registry Ghcr -Mode wrongdigest
        { Get-OpenImManifest -Image openim-server -Tag v3.8.3 -Registry Ghcr -ErrorAction Stop } |
            Should -Throw -ErrorId 'DigestMismatch,OpenIm.PowerShell.Commands.GetOpenImManifestCommand'
    }

    It 'reports a missing tag with TagNotFound and goes on with the next item' {
        $result = 'v3.8.3', 'v9.9.9', 'v3.8.2' | ForEach-Object { [pscustomobject]@{ Image = 'openim-server'; Tag = $_; Registry = 'Aliyun' } } |
            Get-OpenImManifest -ErrorVariable problems -ErrorAction SilentlyContinue
        @($result.Tag) | Should -Be @('v3.8.3', 'v3.8.2')
        $problems[0].FullyQualifiedErrorId | Should -Be 'TagNotFound,OpenIm.PowerShell.Commands.GetOpenImManifestCommand'
    }
}

Describe 'Compare-OpenImRegistry against the lab' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'compare')
        Reset-OpenImLab
        $comparison = Compare-OpenImRegistry
    }

    It 'compares the channel heads and latest of both default images' {
        @($comparison | Where-Object Image -EQ openim-server).Tag | Should -Be @('main', 'release-v3.8.3', 'v3.8.3-patch.15', 'latest')
        @($comparison | Where-Object Image -EQ openim-chat).Tag | Should -Be @('main', 'release-v1.8.4', 'v1.8.4-patch.5', 'latest')
    }

    It 'reports exactly the seeded drift' {
        $notInSync = @($comparison | Where-Object Status -NE InSync)
        $notInSync.Count | Should -Be 2
        $drifted = $notInSync | Where-Object Status -EQ Drifted
        "$($drifted.Image):$($drifted.Tag)" | Should -Be 'openim-server:release-v3.8.3'
        $drifted.DriftedOn | Should -Be 'DockerHub'
        $missing = $notInSync | Where-Object Status -EQ Missing
        "$($missing.Image):$($missing.Tag)" | Should -Be 'openim-chat:v1.8.4-patch.5'
        $missing.MissingOn | Should -Be 'Aliyun'
    }

    It 'compares named tags, and DockerHub lacks the v-form of old releases' {
        $old = Compare-OpenImRegistry -Image openim-server -Tag v3.2.0, 3.2.0
        ($old | Where-Object Tag -EQ 'v3.2.0').MissingOn | Should -Be 'DockerHub'
        ($old | Where-Object Tag -EQ '3.2.0').MissingOn | Should -Be @('Ghcr', 'Aliyun')
    }
}

Describe 'Test-OpenImRegistry against the lab' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'test')
        Reset-OpenImLab
    }

    AfterEach {
        Reset-OpenImLab
    }

    It 'measures reachability, latency, the auth scheme and the Docker Hub quota' {
        $status = Test-OpenImRegistry
        @($status.Registry) | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
        $status | ForEach-Object {
            $_.Reachable | Should -BeTrue
            $_.AuthScheme | Should -Be 'Bearer'
            $_.Latency.TotalMilliseconds | Should -BeGreaterThan 0
        }
        $hub = $status | Where-Object Registry -EQ DockerHub
        $hub.RateLimit | Should -Be 100
        $hub.RateRemaining | Should -BeLessOrEqual 100
        $hub.RateWindow.TotalSeconds | Should -Be 21600
    }

    It 'reports a registry that is down as unreachable with the reason' {
        Set-OpenImLabFault -Registry Aliyun -Mode down
        $status = Test-OpenImRegistry -Registry Aliyun
        $status.Reachable | Should -BeFalse
        $status.ErrorId | Should -Be 'RegistryUnreachable'
    }
}

Describe 'Private repositories and credentials' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $folder = Join-Path $TestDrive 'private'
        $lab = Use-OpenImLabRegistry -Folder $folder
        $ghcr = $lab.Registries | Where-Object Name -EQ Ghcr
        Register-OpenImRegistry -Name Corp -Uri $ghcr.Uri -Namespace private
        $hostPort = ([uri] $ghcr.Uri).Authority
    }

    AfterEach {
        Remove-Item (Join-Path $env:DOCKER_CONFIG 'config.json') -ErrorAction Ignore
    }

    It 'fails clearly without credentials' {
        { Get-OpenImTag -Image openim-server -Registry Corp -All -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryAuthenticationRequired,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
    }

    It 'works with credentials from a Docker config.json' {
        $auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($lab.PrivateUser):$($lab.PrivatePassword)"))
        @{ auths = @{ $hostPort = @{ auth = $auth } } } | ConvertTo-Json -Depth 4 |
            Set-Content (Join-Path $env:DOCKER_CONFIG 'config.json')
        $tags = Get-OpenImTag -Image openim-server -Registry Corp -All
        @($tags.Tag | Sort-Object) | Should -Be @('latest', 'v3.8.3', 'v3.8.3-patch.15')
    }

    It 'works with -Credential and refuses a wrong password' {
        $good = [pscredential]::new($lab.PrivateUser, (ConvertTo-SecureString $lab.PrivatePassword -AsPlainText -Force))
        (Get-OpenImTag -Image openim-chat -Registry Corp -All -Credential $good).Tag | Should -Contain 'v1.8.4'
        $bad = [pscredential]::new($lab.PrivateUser, (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        { Get-OpenImTag -Image openim-chat -Registry Corp -All -Credential $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryAuthenticationFailed,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
    }

    It 'refuses -Credential without exactly one registry, before any request' {
        $good = [pscredential]::new('someone', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        { Get-OpenImTag -Credential $good -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialNeedsOneRegistry,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
    }
}
