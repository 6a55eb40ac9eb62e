# The lab itself: its stand-ins must behave like the registries they replace, or the Lab tests of the module
# prove nothing. These tests talk HTTP to the running lab ($env:OPENIM_LAB) and pull through its engines.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-OpenImLabModule
    $script:Lab = Get-OpenImLab

    # Every manifest type the seed uses; registry 2.8 hides an OCI index from clients that do not accept it.
    $script:ManifestAccept = @(
        'application/vnd.oci.image.index.v1+json'
        'application/vnd.docker.distribution.manifest.list.v2+json'
        'application/vnd.oci.image.manifest.v1+json'
        'application/vnd.docker.distribution.manifest.v2+json'
    ) -join ', '

    function Get-LabStandIn([string] $Registry) {
        $script:Lab.Registries | Where-Object Name -EQ $Registry
    }

    function Get-LabEndpoint([string] $Registry) {
        (Get-LabStandIn $Registry).Uri
    }

    function Get-LabRepository([string] $Registry, [string] $Image) {
        "$((Get-LabStandIn $Registry).Namespace)/$Image"
    }

    function Get-LabTokenAnswer {
        param([string] $Registry, [string[]] $Scope, [switch] $WithUser, [string] $Password)

        $query = @("service=$([uri]::EscapeDataString((Get-LabStandIn $Registry).Service))")
        $query += $Scope | ForEach-Object { "scope=$([uri]::EscapeDataString($_))" }
        $headers = @{}
        if ($WithUser -or $Password) {
            $secret = if ($Password) { $Password } else { $script:Lab.PrivatePassword }
            $pair = [Text.Encoding]::UTF8.GetBytes("$($script:Lab.PrivateUser):$secret")
            $headers.Authorization = 'Basic ' + [Convert]::ToBase64String($pair)
        }

        Invoke-WebRequest -Uri "$(Get-LabEndpoint $Registry)/token?$($query -join '&')" -Headers $headers -SkipHttpErrorCheck
    }

    function Get-LabToken {
        param([string] $Registry, [string[]] $Scope, [switch] $WithUser)

        $answer = Get-LabTokenAnswer -Registry $Registry -Scope $Scope -WithUser:$WithUser
        $answer.StatusCode | Should -Be 200 -Because 'the token endpoint must grant a token'
        ($answer.Content | ConvertFrom-Json).token
    }

    function Invoke-LabRegistry {
        param([string] $Registry, [string] $Path, [string] $Token, [string] $Method = 'Get')

        $headers = @{ Accept = $script:ManifestAccept }
        if ($Token) {
            $headers.Authorization = "Bearer $Token"
        }

        Invoke-WebRequest -Method $Method -Uri "$(Get-LabEndpoint $Registry)$Path" -Headers $headers -SkipHttpErrorCheck
    }

    function Read-LabBody($Response) {
        [Text.Encoding]::UTF8.GetString($Response.RawContentStream.ToArray())
    }

    function Get-LabHeader($Response, [string] $Name) {
        $values = $Response.Headers[$Name]
        if ($null -eq $values) { '' } else { $values -join ', ' }
    }

    function Get-LabSha256($Response) {
        $hash = [Security.Cryptography.SHA256]::HashData($Response.RawContentStream.ToArray())
        'sha256:' + [Convert]::ToHexString($hash).ToLowerInvariant()
    }

    # Follows Link headers from the first page to the last, as a paging client does.
    function Get-LabTagPages([string] $Registry, [string] $Repository, [string] $Token) {
        $path = "/v2/$Repository/tags/list"
        $pages = [Collections.Generic.List[object]]::new()
        while ($path -and $pages.Count -lt 20) {
            $response = Invoke-LabRegistry -Registry $Registry -Path $path -Token $Token
            $link = Get-LabHeader $response 'Link'
            $pages.Add([pscustomobject]@{
                    Status = [int]$response.StatusCode
                    Tags   = @((Read-LabBody $response | ConvertFrom-Json).tags)
                    Link   = $link
                })
            $path = if ($link -match '^<([^>]+)>;\s*rel="next"$') { $Matches[1] } else { $null }
        }

        $pages
    }

    function Get-LabDigest([string] $Registry, [string] $Repository, [string] $Reference, [string] $Token) {
        $response = Invoke-LabRegistry -Registry $Registry -Path "/v2/$Repository/manifests/$Reference" -Token $Token -Method Head
        if ($response.StatusCode -ne 200) { return $null }
        Get-LabHeader $response 'Docker-Content-Digest'
    }
}

Describe 'Lab handshake' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $registries = 'Ghcr', 'Aliyun', 'DockerHub'
        $pings = @{}
        $answers = @{}
        $authorizedPings = @{}
        $repositoryChallenges = @{}
        foreach ($registry in $registries) {
            $repository = Get-LabRepository $registry 'openim-server'
            $pings[$registry] = Invoke-LabRegistry -Registry $registry -Path '/v2/'
            $repositoryChallenges[$registry] = Invoke-LabRegistry -Registry $registry -Path "/v2/$repository/tags/list"
            $answers[$registry] = Get-LabTokenAnswer -Registry $registry -Scope "repository:${repository}:pull"
            $token = ($answers[$registry].Content | ConvertFrom-Json).token
            $authorizedPings[$registry] = Invoke-LabRegistry -Registry $registry -Path '/v2/' -Token $token
        }

        # An expired token must be told apart from a missing one: clients refresh on invalid_token.
        $null = Set-OpenImLabTokenLifetime -Registry Aliyun -Seconds 1
        $shortAnswer = Get-LabTokenAnswer -Registry Aliyun -Scope 'repository:openimsdk/openim-server:pull'
        Start-Sleep -Milliseconds 1500
        $shortToken = ($shortAnswer.Content | ConvertFrom-Json).token
        $expired = Invoke-LabRegistry -Registry Aliyun -Path '/v2/openimsdk/openim-server/tags/list' -Token $shortToken

        $oauth = Invoke-WebRequest -Method Post -Uri "$(Get-LabEndpoint DockerHub)/token" -SkipHttpErrorCheck -Body @{
            grant_type = 'password'; username = $Lab.PrivateUser; password = $Lab.PrivatePassword; service = 'registry.docker.io'
            scope = 'repository:openim/openim-chat:pull'; client_id = 'openim-lab-tests'
        }
        $oauthAnswer = $oauth.Content | ConvertFrom-Json
        $refreshed = Invoke-WebRequest -Method Post -Uri "$(Get-LabEndpoint DockerHub)/token" -SkipHttpErrorCheck -Body @{
            grant_type = 'refresh_token'; refresh_token = $oauthAnswer.refresh_token; service = 'registry.docker.io'
            scope = 'repository:openim/openim-chat:pull'; client_id = 'openim-lab-tests'
        }
        $refreshedToken = ($refreshed.Content | ConvertFrom-Json).access_token
        $refreshedTags = Invoke-LabRegistry -Registry DockerHub -Path '/v2/openim/openim-chat/tags/list' -Token $refreshedToken
    }

    AfterAll {
        Reset-OpenImLab
    }

    It 'challenges GET /v2/ on <_> with a Bearer realm and service' -ForEach 'Ghcr', 'Aliyun', 'DockerHub' {
        $pings[$_].StatusCode | Should -Be 401
        $endpoint = Get-LabEndpoint $_
        $service = (Get-LabStandIn $_).Service
        Get-LabHeader $pings[$_] 'WWW-Authenticate' | Should -BeExactly "Bearer realm=`"$endpoint/token`",service=`"$service`""
    }

    It 'challenges a repository request on <_> with its pull scope' -ForEach 'Ghcr', 'Aliyun', 'DockerHub' {
        $repository = Get-LabRepository $_ 'openim-server'
        $repositoryChallenges[$_].StatusCode | Should -Be 401
        $scope = [regex]::Escape("scope=`"repository:${repository}:pull`"")
        Get-LabHeader $repositoryChallenges[$_] 'WWW-Authenticate' | Should -Match $scope
        (Read-LabBody $repositoryChallenges[$_] | ConvertFrom-Json).errors[0].code | Should -Be 'UNAUTHORIZED'
    }

    It 'answers GET /v2/ on <_> with 200 once a token is sent' -ForEach 'Ghcr', 'Aliyun', 'DockerHub' {
        $authorizedPings[$_].StatusCode | Should -Be 200
    }

    It 'shapes token answers like the real services' {
        ($answers.Ghcr.Content | ConvertFrom-Json).PSObject.Properties.Name | Should -Be @('token')
        ($answers.Aliyun.Content | ConvertFrom-Json).PSObject.Properties.Name | Should -Be @('token', 'access_token', 'expires_in')
        ($answers.DockerHub.Content | ConvertFrom-Json).PSObject.Properties.Name |
            Should -Be @('token', 'access_token', 'expires_in', 'issued_at')
        ($answers.DockerHub.Content | ConvertFrom-Json).expires_in | Should -Be 300
    }

    It 'says invalid_token for an expired token' {
        ($shortAnswer.Content | ConvertFrom-Json).expires_in | Should -Be 1
        $expired.StatusCode | Should -Be 401
        Get-LabHeader $expired 'WWW-Authenticate' | Should -Match 'error="invalid_token"'
    }

    It 'grants an OAuth2 password grant and a refresh token that works' {
        $oauth.StatusCode | Should -Be 200
        $oauthAnswer.access_token | Should -Not -BeNullOrEmpty
        $oauthAnswer.refresh_token | Should -Not -BeNullOrEmpty
        $refreshed.StatusCode | Should -Be 200
        $refreshedTags.StatusCode | Should -Be 200
    }
}

Describe 'Lab tag pages' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $token = Get-LabToken -Registry Ghcr -Scope 'repository:openimsdk/openim-server:pull'
        $pages = Get-LabTagPages -Registry Ghcr -Repository 'openimsdk/openim-server' -Token $token
        $all = @($pages | ForEach-Object { $_.Tags })
        $sorted = [string[]]$all.Clone()
        [Array]::Sort($sorted, [StringComparer]::Ordinal)
        $small = Invoke-LabRegistry -Registry Ghcr -Path '/v2/openimsdk/openim-server/tags/list?n=7&last=v3.8.3' -Token $token
        $smallTags = @((Read-LabBody $small | ConvertFrom-Json).tags)
        $huge = Invoke-LabRegistry -Registry Ghcr -Path '/v2/openimsdk/openim-server/tags/list?n=1000' -Token $token
    }

    It 'lists more than 100 openim-server tags over more than one page' {
        $all.Count | Should -BeGreaterThan 100
        $pages.Count | Should -BeGreaterThan 1
        $pages.Status | Should -Not -Contain 401
    }

    It 'keeps every page at 100 tags or fewer' {
        $pages | ForEach-Object { $_.Tags.Count | Should -BeLessOrEqual 100 }
        $pages[0].Tags.Count | Should -Be 100
    }

    It 'sorts ordinally across pages without repeats' {
        ($all -join ' ') | Should -BeExactly ($sorted -join ' ')
        @($all | Select-Object -Unique).Count | Should -Be $all.Count
    }

    It 'sends Link while more tags remain and none on the last page' {
        $pages[0].Link | Should -BeExactly "</v2/openimsdk/openim-server/tags/list?last=$($pages[0].Tags[-1])&n=100>; rel=`"next`""
        $pages[-1].Link | Should -BeNullOrEmpty
    }

    It 'starts after last and honours n below 100' {
        $smallTags.Count | Should -Be 7
        $smallTags[0] | Should -BeExactly $all[[Array]::IndexOf($all, 'v3.8.3') + 1]
        Get-LabHeader $small 'Link' | Should -Match "last=$([regex]::Escape($smallTags[-1]))&n=7>"
    }

    It 'caps n at 100' {
        @((Read-LabBody $huge | ConvertFrom-Json).tags).Count | Should -Be 100
    }
}

Describe 'Lab private repository' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $scope = 'repository:private/openim-server:pull'
        $withUser = Get-LabToken -Registry Ghcr -Scope $scope -WithUser
        $anonymous = Get-LabToken -Registry Ghcr -Scope $scope
        $granted = Invoke-LabRegistry -Registry Ghcr -Path '/v2/private/openim-server/tags/list' -Token $withUser
        $refused = Invoke-LabRegistry -Registry Ghcr -Path '/v2/private/openim-server/tags/list' -Token $anonymous
        $badLogin = Get-LabTokenAnswer -Registry Ghcr -Scope $scope -Password 'not-the-password'
        $elsewhere = Invoke-LabRegistry -Registry Aliyun -Path '/v2/private/openim-server/tags/list' -Token (
            Get-LabToken -Registry Aliyun -Scope $scope -WithUser)
    }

    It 'serves private/openim-server with the lab user''s token' {
        $granted.StatusCode | Should -Be 200
        (Read-LabBody $granted | ConvertFrom-Json).tags | Should -Be @('latest', 'v3.8.3', 'v3.8.3-patch.15')
    }

    It 'answers 401 insufficient_scope to an anonymous token' {
        $refused.StatusCode | Should -Be 401
        Get-LabHeader $refused 'WWW-Authenticate' |
            Should -Match 'scope="repository:private/openim-server:pull",error="insufficient_scope"'
    }

    It 'refuses a wrong password at /token with UNAUTHORIZED' {
        $badLogin.StatusCode | Should -Be 401
        ($badLogin.Content | ConvertFrom-Json).errors[0].code | Should -Be 'UNAUTHORIZED'
    }

    It 'has no private repositories on Aliyun' {
        $elsewhere.StatusCode | Should -Be 404
        (Read-LabBody $elsewhere | ConvertFrom-Json).errors[0].code | Should -Be 'NAME_UNKNOWN'
    }
}

Describe 'Lab Docker Hub pull rate limit' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $null = Set-OpenImLabRateLimit -Limit 3 -RetryAfter 42
        $token = Get-LabToken -Registry DockerHub -Scope 'repository:openim/openim-server:pull'
        $path = '/v2/openim/openim-server/manifests/v3.8.3'
        $head = Invoke-LabRegistry -Registry DockerHub -Path $path -Token $token -Method Head
        $gets = @(1..4 | ForEach-Object { Invoke-LabRegistry -Registry DockerHub -Path $path -Token $token })
        $ghcr = Invoke-LabRegistry -Registry Ghcr -Path '/v2/openimsdk/openim-server/manifests/v3.8.3' -Token (
            Get-LabToken -Registry Ghcr -Scope 'repository:openimsdk/openim-server:pull')
    }

    AfterAll {
        Reset-OpenImLab
    }

    It 'reports the quota on HEAD without counting it' {
        $head.StatusCode | Should -Be 200
        Get-LabHeader $head 'ratelimit-limit' | Should -BeExactly '3;w=21600'
        Get-LabHeader $head 'ratelimit-remaining' | Should -BeExactly '3;w=21600'
    }

    It 'counts every manifest GET' {
        $gets[0..2].StatusCode | Should -Be @(200, 200, 200)
        $gets[0..2] | ForEach-Object { Get-LabHeader $_ 'ratelimit-remaining' } | Should -Be @('2;w=21600', '1;w=21600', '0;w=21600')
    }

    It 'answers 429 TOOMANYREQUESTS with Retry-After once the quota is used' {
        $gets[3].StatusCode | Should -Be 429
        Get-LabHeader $gets[3] 'Retry-After' | Should -Be '42'
        (Read-LabBody $gets[3] | ConvertFrom-Json).errors[0].code | Should -Be 'TOOMANYREQUESTS'
    }

    It 'leaves Ghcr without a pull quota' {
        $ghcr.StatusCode | Should -Be 200
        Get-LabHeader $ghcr 'ratelimit-limit' | Should -BeNullOrEmpty
    }
}

Describe 'Lab fault switch' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $ping = "$(Get-LabEndpoint Aliyun)/v2/"

        $null = Set-OpenImLabFault -Registry Aliyun -Mode Unavailable -Count 2 -RetryAfter 7
        $unavailable = @(1..3 | ForEach-Object { Invoke-WebRequest -Uri $ping -SkipHttpErrorCheck })

        $null = Set-OpenImLabFault -Registry Aliyun -Mode Down
        $downError = try { $null = Invoke-WebRequest -Uri $ping -SkipHttpErrorCheck -TimeoutSec 5; 'answered' } catch { $_ }
        $downStats = Get-OpenImLabStats -Registry Aliyun
        Clear-OpenImLabFault -Registry Aliyun
        $afterDown = Invoke-WebRequest -Uri $ping -SkipHttpErrorCheck

        $token = Get-LabToken -Registry Aliyun -Scope 'repository:openimsdk/openim-chat:pull'
        $null = Set-OpenImLabFault -Registry Aliyun -Mode Drop -Match '/tags/list$' -Count 1
        $dropError = try {
            $null = Invoke-LabRegistry -Registry Aliyun -Path '/v2/openimsdk/openim-chat/tags/list' -Token $token
            'answered'
        } catch { $_ }
        $notMatched = Invoke-LabRegistry -Registry Aliyun -Path '/v2/openimsdk/openim-chat/manifests/v1.8.4' -Token $token -Method Head
        $afterDrop = Invoke-LabRegistry -Registry Aliyun -Path '/v2/openimsdk/openim-chat/tags/list' -Token $token

        $answers = @{}
        foreach ($mode in 'RateLimit', 'Denied', 'Garbage', 'Html') {
            $null = Set-OpenImLabFault -Registry Aliyun -Mode $mode -Count 1
            $answers[$mode] = Invoke-WebRequest -Uri $ping -SkipHttpErrorCheck
        }

        $null = Set-OpenImLabFault -Registry Aliyun -Mode Slow -DelayMs 700 -Count 1
        $slowTime = Measure-Command { $null = Invoke-WebRequest -Uri $ping -SkipHttpErrorCheck }
        $fastTime = Measure-Command { $null = Invoke-WebRequest -Uri $ping -SkipHttpErrorCheck }
        $stats = Get-OpenImLabStats -Registry Aliyun
    }

    AfterAll {
        Reset-OpenImLab
    }

    It 'answers 503 with Retry-After for the counted requests, then heals' {
        $unavailable.StatusCode | Should -Be @(503, 503, 401)
        Get-LabHeader $unavailable[0] 'Retry-After' | Should -Be '7'
        (Read-LabBody $unavailable[0] | ConvertFrom-Json).errors[0].code | Should -Be 'UNAVAILABLE'
    }

    It 'closes connections before any HTTP while down, and answers once cleared' {
        $downError | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $downStats.RefusedConnections | Should -BeGreaterThan 0
        $afterDown.StatusCode | Should -Be 401
    }

    It 'drops only the requests its match selects' {
        $dropError | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $notMatched.StatusCode | Should -Be 200
        $afterDrop.StatusCode | Should -Be 200
        $stats.Requests | Where-Object { $_.Status -eq 0 -and $_.Path -like '*/tags/list' } | Should -Not -BeNullOrEmpty
    }

    It 'answers the <Mode> fault in its own way' -ForEach @(
        @{ Mode = 'RateLimit'; Status = 429; Type = 'application/json*' }
        @{ Mode = 'Denied'; Status = 403; Type = 'application/json*' }
        @{ Mode = 'Garbage'; Status = 200; Type = 'application/json*' }
        @{ Mode = 'Html'; Status = 502; Type = 'text/html*' }
    ) {
        $answers[$Mode].StatusCode | Should -Be $Status
        Get-LabHeader $answers[$Mode] 'Content-Type' | Should -BeLike $Type
    }

    It 'sends TOOMANYREQUESTS with Retry-After, DENIED, malformed JSON and an HTML page' {
        Get-LabHeader $answers.RateLimit 'Retry-After' | Should -Be '60'
        (Read-LabBody $answers.RateLimit | ConvertFrom-Json).errors[0].code | Should -Be 'TOOMANYREQUESTS'
        (Read-LabBody $answers.Denied | ConvertFrom-Json).errors[0].code | Should -Be 'DENIED'
        { Read-LabBody $answers.Garbage | ConvertFrom-Json } | Should -Throw
        Read-LabBody $answers.Html | Should -Match '<title>502 Bad Gateway</title>'
    }

    It 'delays a request by DelayMs when slow' {
        $slowTime.TotalMilliseconds | Should -BeGreaterOrEqual 700
        $fastTime.TotalMilliseconds | Should -BeLessThan 700
    }
}

Describe 'Lab wrong digest' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $null = Set-OpenImLabFault -Registry Ghcr -Mode WrongDigest -Count 1
        $token = Get-LabToken -Registry Ghcr -Scope 'repository:openimsdk/openim-server:pull'
        $path = '/v2/openimsdk/openim-server/manifests/v3.8.3'
        $wrong = Invoke-LabRegistry -Registry Ghcr -Path $path -Token $token
        $right = Invoke-LabRegistry -Registry Ghcr -Path $path -Token $token
    }

    AfterAll {
        Reset-OpenImLab
    }

    It 'sends a digest that does not match the manifest while the fault lasts' {
        $wrong.StatusCode | Should -Be 200
        Get-LabHeader $wrong 'Docker-Content-Digest' | Should -Match '^sha256:[0-9a-f]{64}$'
        Get-LabHeader $wrong 'Docker-Content-Digest' | Should -Not -Be (Get-LabSha256 $wrong)
    }

    It 'is spent on the manifest, not on the token request, and then heals' {
        Get-LabHeader $right 'Docker-Content-Digest' | Should -Be (Get-LabSha256 $right)
        Get-LabSha256 $right | Should -Be (Get-LabSha256 $wrong)
    }
}

Describe 'Lab stats and tag moves' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $token = Get-LabToken -Registry Ghcr -Scope 'repository:openimsdk/openim-server:pull'
        $null = Invoke-LabRegistry -Registry Ghcr -Path '/v2/' -Token $token
        $null = Invoke-LabRegistry -Registry Ghcr -Path '/v2/openimsdk/openim-server/tags/list' -Token $token
        $index = Invoke-LabRegistry -Registry Ghcr -Path '/v2/openimsdk/openim-server/manifests/v3.8.3' -Token $token
        $amd64 = ((Read-LabBody $index | ConvertFrom-Json).manifests | Where-Object { $_.platform.architecture -eq 'amd64' }).digest
        $manifest = Invoke-LabRegistry -Registry Ghcr -Path "/v2/openimsdk/openim-server/manifests/$amd64" -Token $token
        $layer = (Read-LabBody $manifest | ConvertFrom-Json).layers[0].digest
        $null = Invoke-LabRegistry -Registry Ghcr -Path "/v2/openimsdk/openim-server/blobs/$layer" -Token $token
        $stats = Get-OpenImLabStats -Registry Ghcr
        Reset-OpenImLabStats -Registry Ghcr
        $cleared = Get-OpenImLabStats -Registry Ghcr

        $original = Get-LabDigest -Registry Ghcr -Repository 'openimsdk/openim-server' -Reference 'nightly' -Token $token
        $target = Get-LabDigest -Registry Ghcr -Repository 'openimsdk/openim-server' -Reference 'v3.8.3' -Token $token
        $move = Move-OpenImLabTag -Registry Ghcr -Image openim-server -Tag nightly -To v3.8.3
        $moved = Get-LabDigest -Registry Ghcr -Repository 'openimsdk/openim-server' -Reference 'nightly' -Token $token
        $null = Move-OpenImLabTag -Registry Ghcr -Image openim-server -Tag nightly -To $original
        $restored = Get-LabDigest -Registry Ghcr -Repository 'openimsdk/openim-server' -Reference 'nightly' -Token $token
    }

    It 'counts requests by kind' {
        $stats.Token | Should -Be 1
        $stats.Ping | Should -Be 1
        $stats.Tags | Should -Be 1
        $stats.Manifest | Should -Be 2
        $stats.Blob | Should -Be 1
        $stats.Other | Should -Be 0
        $stats.Total | Should -Be 6
    }

    It 'lists recent requests with method, path and status' {
        $last = $stats.Requests[-1]
        $last.Method | Should -Be 'GET'
        $last.Path | Should -Be "/v2/openimsdk/openim-server/blobs/$layer"
        $last.Status | Should -Be 200
    }

    It 'clears the stats on reset' {
        $cleared.Total | Should -Be 0
        @($cleared.Requests).Count | Should -Be 0
    }

    It 'moves a tag onto another tag''s manifest and back' {
        $original | Should -Not -Be $target
        $move.Digest | Should -Be $target
        $moved | Should -Be $target
        $restored | Should -Be $original
    }
}

Describe 'Lab seed and drift' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $images = 'openim-server', 'openim-chat', 'openim-api', 'openim-web-front', 'openim-admin-front'
        $tokens = @{}
        foreach ($registry in 'Ghcr', 'Aliyun', 'DockerHub') {
            $scopes = $images | ForEach-Object { "repository:$(Get-LabRepository $registry $_):pull" }
            $tokens[$registry] = Get-LabToken -Registry $registry -Scope $scopes
        }

        function Get-SeedDigest([string] $Registry, [string] $Image, [string] $Reference) {
            $repository = Get-LabRepository $Registry $Image
            Get-LabDigest -Registry $Registry -Repository $repository -Reference $Reference -Token $tokens[$Registry]
        }

        function Get-SeedIndex([string] $Registry, [string] $Image, [string] $Reference) {
            $path = "/v2/$(Get-LabRepository $Registry $Image)/manifests/$Reference"
            Read-LabBody (Invoke-LabRegistry -Registry $Registry -Path $path -Token $tokens[$Registry]) | ConvertFrom-Json
        }

        $serverTags = @{}
        foreach ($registry in 'Ghcr', 'Aliyun', 'DockerHub') {
            $pages = Get-LabTagPages -Registry $registry -Repository (Get-LabRepository $registry 'openim-server') -Token $tokens[$registry]
            $serverTags[$registry] = @($pages | ForEach-Object { $_.Tags })
        }
    }

    It 'holds more than 100 openim-server tags on <_>' -ForEach 'Ghcr', 'Aliyun', 'DockerHub' {
        $serverTags[$_].Count | Should -BeGreaterThan 100
    }

    It 'lacks openim-chat:v1.8.4-patch.5 on Aliyun only' {
        Get-SeedDigest Aliyun 'openim-chat' 'v1.8.4-patch.5' | Should -BeNullOrEmpty
        Get-SeedDigest Ghcr 'openim-chat' 'v1.8.4-patch.5' | Should -Not -BeNullOrEmpty
        Get-SeedDigest DockerHub 'openim-chat' 'v1.8.4-patch.5' | Should -Be (Get-SeedDigest Ghcr 'openim-chat' 'v1.8.4-patch.5')
        Get-SeedDigest Ghcr 'openim-chat' '1.8.4-patch.5' | Should -BeNullOrEmpty -Because 'patch.5 was pushed without the bare form'
    }

    It 'serves openim-server:release-v3.8.3 from another build on DockerHub' {
        $ghcr = Get-SeedDigest Ghcr 'openim-server' 'release-v3.8.3'
        Get-SeedDigest Aliyun 'openim-server' 'release-v3.8.3' | Should -Be $ghcr
        Get-SeedDigest DockerHub 'openim-server' 'release-v3.8.3' | Should -Not -BeNullOrEmpty
        Get-SeedDigest DockerHub 'openim-server' 'release-v3.8.3' | Should -Not -Be $ghcr
        $ghcr | Should -Be (Get-SeedDigest Ghcr 'openim-server' 'v3.8.3')
    }

    It 'publishes openim-server:v3.8.3-patch.15 on <_> for linux/amd64 only, with an attestation' -ForEach 'Ghcr', 'Aliyun', 'DockerHub' {
        $index = Get-SeedIndex $_ 'openim-server' 'v3.8.3-patch.15'
        $platforms = $index.manifests | ForEach-Object { "$($_.platform.os)/$($_.platform.architecture)" }
        $platforms | Should -Be @('linux/amd64', 'unknown/unknown')
        $attestation = $index.manifests | Where-Object { $_.platform.os -eq 'unknown' }
        $attestation.annotations.'vnd.docker.reference.type' | Should -Be 'attestation-manifest'
        $attestation.annotations.'vnd.docker.reference.digest' | Should -Be $index.manifests[0].digest
    }

    It 'gives every form of v3.8.3 the release''s digest on <_>' -ForEach 'Ghcr', 'Aliyun', 'DockerHub' {
        $registry = $_
        $release = Get-SeedDigest $registry 'openim-server' 'v3.8.3'
        foreach ($form in '3.8.3', '3.8', '3', 'latest') {
            Get-SeedDigest $registry 'openim-server' $form | Should -Be $release -Because "$form is a form of v3.8.3"
        }

        $shaForms = @($serverTags[$registry] | Where-Object { $_ -like 'sha-*' } |
                Where-Object { (Get-SeedDigest $registry 'openim-server' $_) -eq $release })
        $shaForms.Count | Should -Be 1
        $shaForms[0] | Should -Match '^sha-[0-9a-f]{7}$'
    }

    It 'carries openim-server 3.2 to 3.4 only without v on DockerHub, with the same digest' {
        Get-SeedDigest DockerHub 'openim-server' 'v3.2.0' | Should -BeNullOrEmpty
        Get-SeedDigest DockerHub 'openim-server' '3.2.0' | Should -Be (Get-SeedDigest Ghcr 'openim-server' 'v3.2.0')
        Get-SeedDigest Ghcr 'openim-server' '3.2.0' | Should -BeNullOrEmpty
        Get-SeedDigest DockerHub 'openim-server' 'v3.0.0' | Should -Be (Get-SeedDigest Aliyun 'openim-server' 'v3.0.0')
    }

    It 'uses Docker manifest lists before v3.5 and OCI indexes from v3.5' {
        (Get-SeedIndex Ghcr 'openim-server' 'v3.4.2').mediaType | Should -Be 'application/vnd.docker.distribution.manifest.list.v2+json'
        (Get-SeedIndex Ghcr 'openim-server' 'v3.5.0').mediaType | Should -Be 'application/vnd.oci.image.index.v1+json'
        (Get-SeedIndex Ghcr 'openim-chat' 'v1.4.1').mediaType | Should -Be 'application/vnd.docker.distribution.manifest.list.v2+json'
        (Get-SeedIndex Ghcr 'openim-chat' 'v1.8.4').mediaType | Should -Be 'application/vnd.oci.image.index.v1+json'
    }

    It 'denies the front ends on Ghcr and serves them elsewhere' {
        $denied = Invoke-LabRegistry -Registry Ghcr -Path '/v2/openimsdk/openim-web-front/tags/list' -Token $tokens.Ghcr
        $denied.StatusCode | Should -Be 403
        (Read-LabBody $denied | ConvertFrom-Json).errors[0].code | Should -Be 'DENIED'
        $adminLatest = Get-SeedDigest DockerHub 'openim-admin-front' 'latest'
        Get-SeedDigest Aliyun 'openim-admin-front' 'release-v1.8.4-patch.2' | Should -Be $adminLatest
        Get-SeedDigest DockerHub 'openim-web-front' 'latest' | Should -Be (Get-SeedDigest DockerHub 'openim-web-front' 'release-v3.8.3')
    }

    It 'has openim-api for the late patches but not for v3.8.3' {
        Get-SeedDigest Ghcr 'openim-api' 'v3.8.3' | Should -BeNullOrEmpty
        Get-SeedDigest Ghcr 'openim-api' 'v3.8.3-patch.15' | Should -Not -BeNullOrEmpty
        Get-SeedDigest DockerHub 'openim-api' 'v3.7.0' | Should -Not -BeNullOrEmpty
    }

    It 'serves every repository and tag of the seed from each backend, with its manifests and blobs, byte for byte' {
        # The seed is written into registry storage behind the registries' backs; only their own API answers
        # prove the files lie where their API would have put them. LabFront checks every tag, and the manifests
        # and blobs of one build per repository and index type; without -quick it checks all of them (slower).
        $output = & $Lab.Front.Executable verify --config $Lab.Front.Config --quick 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output[-1] | Should -BeLike 'the lab serves the seed exactly*'
    }
}

Describe 'Lab engine pull' -Tag 'Lab' {
    BeforeAll {
        Reset-OpenImLab
        $engine = $Lab.Engines[0].DockerHost
        $reference = "$((Get-LabStandIn Ghcr).Host)/openimsdk/openim-server:v3.8.3"
        $token = Get-LabToken -Registry Ghcr -Scope 'repository:openimsdk/openim-server:pull'
        $expected = Get-LabDigest -Registry Ghcr -Repository 'openimsdk/openim-server' -Reference 'v3.8.3' -Token $token
        Reset-OpenImLabStats -Registry Ghcr

        $pullOutput = & docker -H $engine pull $reference 2>&1
        $pullExit = $LASTEXITCODE
        $image = & docker -H $engine image inspect $reference 2>$null | ConvertFrom-Json -DateKind String
        $stats = Get-OpenImLabStats -Registry Ghcr
        $removeOutput = & docker -H $engine rmi $reference 2>&1
        $removeExit = $LASTEXITCODE
        $null = & docker -H $engine image inspect $reference 2>&1
        $inspectAfterRemove = $LASTEXITCODE

        # The second engine pulls an old release, a Docker manifest list, through the DockerHub stand-in.
        $engine2 = $Lab.Engines[-1].DockerHost
        $oldReference = "$((Get-LabStandIn DockerHub).Host)/openim/openim-server:3.2.0"
        $oldOutput = & docker -H $engine2 pull $oldReference 2>&1
        $oldExit = $LASTEXITCODE
        $oldImage = & docker -H $engine2 image inspect $oldReference 2>$null | ConvertFrom-Json -DateKind String
        $null = & docker -H $engine2 rmi $oldReference 2>&1
    }

    AfterAll {
        Reset-OpenImLab
    }

    It 'pulls openim-server:v3.8.3 through the Ghcr front' {
        $pullExit | Should -Be 0 -Because ($pullOutput -join "`n")
        $image.RepoDigests | Should -Contain "$((Get-LabStandIn Ghcr).Host)/openimsdk/openim-server@$expected"
        $image.Architecture | Should -Be 'amd64'
        $image.Created | Should -BeLike '2025-01-14T*'
    }

    It 'went through the Bearer handshake of the front' {
        $stats.Token | Should -BeGreaterThan 0
        $stats.Manifest | Should -BeGreaterThan 0
        $stats.Blob | Should -BeGreaterThan 0
        $stats.Requests | Where-Object Status -eq 401 | Should -Not -BeNullOrEmpty
    }

    It 'removes the pulled image again' {
        $removeExit | Should -Be 0 -Because ($removeOutput -join "`n")
        $inspectAfterRemove | Should -Not -Be 0
    }

    It 'pulls a Docker manifest list release through the DockerHub front' {
        $oldExit | Should -Be 0 -Because ($oldOutput -join "`n")
        $oldImage.Created | Should -BeLike '2023-08-30T*'
    }
}
