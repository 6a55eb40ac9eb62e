# Transport (docs/reliability.md): https by default; plain http only to loopback or with -AllowHttp;
# a certificate nobody trusts is a RegistryCertificateInvalid error that names the host, before any
# request (and so before any credential) is sent. TLS comes from an in-process stand-in with a
# certificate made for the test; nothing here needs the lab.

Describe 'Reliability: transport' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        . $PSScriptRoot/ReliabilityHelpers.ps1
        $savedConfig = $env:OPENIM_CONFIG
        $savedDockerConfig = $env:DOCKER_CONFIG
        $env:OPENIM_CONFIG = Join-Path $TestDrive 'transport/registries.json'
        $env:DOCKER_CONFIG = Join-Path $TestDrive 'transport/docker'
        New-Item -ItemType Directory -Path $env:DOCKER_CONFIG -Force | Out-Null

        $tls = @{}
        foreach ($kind in 'SelfSigned', 'OtherHost', 'Expired') {
            $tls[$kind] = Start-StandIn -Mode tags -Certificate (New-TestCertificate -Kind $kind)
            Register-OpenImRegistry -Name "Tls$kind" -Uri "https://127.0.0.1:$($tls[$kind].Port)" -Namespace openimsdk -Priority 900
        }

        # A client that accepts any certificate, to reach what lies behind the TLS handshake.
        function New-TrustingClient {
            $handler = [System.Net.Http.HttpClientHandler]::new()
            $handler.ServerCertificateCustomValidationCallback = [System.Net.Http.HttpClientHandler]::DangerousAcceptAnyServerCertificateValidator
            $session = [OpenIm.PowerShell.Registry.RegistrySession]::new($null, $handler)
            [OpenIm.PowerShell.Registry.RegistryClient]::new($session, $null)
        }

        function New-Registry([string] $Uri) {
            [OpenIm.PowerShell.Catalog.OpenImRegistry]::new('Trusted', ([uri] $Uri).Authority, [uri] $Uri, 'openimsdk', 900, 'User')
        }

        function Invoke-Sync([scriptblock] $Call) {
            # Async calls from PowerShell: the RegistryException comes wrapped once; unwrap it.
            try { & $Call } catch { if ($_.Exception.InnerException) { throw $_.Exception.InnerException } throw }
        }
    }

    AfterAll {
        $tls.Values | ForEach-Object { $_.Dispose() }
        $env:OPENIM_CONFIG = $savedConfig
        $env:DOCKER_CONFIG = $savedDockerConfig
    }

    It 'The built-in registries => https endpoints' {
        Get-OpenImRegistry | Where-Object Name -In 'Ghcr', 'Aliyun', 'DockerHub' | ForEach-Object {
            $_.Uri.Scheme | Should -Be 'https'
        }
    }

    It 'Plain http to a host that is not loopback => InsecureRegistryUri, for Register and Set, nothing stored' {
        $before = Get-Content -LiteralPath $env:OPENIM_CONFIG -Raw
        { Register-OpenImRegistry -Name Plain -Uri http://mirror.example.com -Namespace openimsdk -ErrorAction Stop } |
            Should -Throw -ErrorId 'InsecureRegistryUri,OpenIm.PowerShell.Commands.RegisterOpenImRegistryCommand'
        { Set-OpenImRegistry -Name Ghcr -Uri http://mirror.example.com -ErrorAction Stop } |
            Should -Throw -ErrorId 'InsecureRegistryUri,OpenIm.PowerShell.Commands.SetOpenImRegistryCommand'
        Get-Content -LiteralPath $env:OPENIM_CONFIG -Raw | Should -Be $before
    }

    It 'Plain http with -AllowHttp => stored, and marked as allowed' {
        $registry = Register-OpenImRegistry -Name Trusted -Uri http://mirror.example.com -Namespace openimsdk -AllowHttp -PassThru
        $registry.Uri.Scheme | Should -Be 'http'
        $registry.AllowHttp | Should -BeTrue
        Unregister-OpenImRegistry -Name Trusted
    }

    It 'Plain http to loopback (<Uri>) => accepted without -AllowHttp' -ForEach @(
        @{ Uri = 'http://127.0.0.1:5000' }
        @{ Uri = 'http://127.0.0.53:5000' }
        @{ Uri = 'http://localhost:5000' }
        @{ Uri = 'http://[::1]:5000' }
    ) {
        $registry = Register-OpenImRegistry -Name Loop -Uri $Uri -Namespace openimsdk -PassThru
        $registry.AllowHttp | Should -BeFalse
        Unregister-OpenImRegistry -Name Loop
    }

    It 'A hand-edited entry with plain http to a remote host => ignored, never contacted' {
        $config = Join-Path $TestDrive 'transport-edited/registries.json'
        New-Item -ItemType Directory -Path (Split-Path $config) -Force | Out-Null
        @{ version = 1; registries = @(@{ name = 'Sneaky'; uri = 'http://mirror.example.com/'; namespace = 'openimsdk'; priority = 1 }) } |
            ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $config
        $saved = $env:OPENIM_CONFIG
        try {
            $env:OPENIM_CONFIG = $config
            @(Get-OpenImRegistry).Name | Should -Not -Contain 'Sneaky'
        } finally {
            $env:OPENIM_CONFIG = $saved
        }
    }

    It 'A certificate that is <Label> => RegistryCertificateInvalid naming the host; no HTTP request, no retry' -ForEach @(
        @{ Kind = 'SelfSigned'; Label = 'self-signed'; Reason = 'UntrustedRoot' }
        @{ Kind = 'OtherHost'; Label = 'for another host'; Reason = 'RemoteCertificateNameMismatch' }
        @{ Kind = 'Expired'; Label = 'expired'; Reason = 'NotTimeValid' }
    ) {
        $standIn = $tls[$Kind]
        $connections = $standIn.Connections
        $secret = [pscredential]::new('someone', (ConvertTo-SecureString 'never-sent' -AsPlainText -Force))
        $problem = $null
        try { Get-OpenImTag -Image openim-server -Registry "Tls$Kind" -All -Credential $secret -ErrorAction Stop } catch { $problem = $_ }
        $problem.FullyQualifiedErrorId | Should -Be 'RegistryCertificateInvalid,OpenIm.PowerShell.Commands.GetOpenImTagCommand'
        $problem.CategoryInfo.Category | Should -Be 'SecurityError'
        $problem.Exception.Message | Should -Match 'the TLS certificate of 127\.0\.0\.1 was not accepted'
        $problem.Exception.Message | Should -Match $Reason
        $standIn.Requests.Count | Should -Be 0 -Because 'no request, and so no credential, crossed the refused connection'
        $standIn.Connections - $connections | Should -Be 1 -Because 'a certificate failure is not retried'
    }

    It 'A Bearer realm on plain http for an https registry => InsecureTokenRealm; no credential sent there' {
        $standIn = Start-StandIn -Mode reject-tokens -Certificate (New-TestCertificate)
        try {
            $client = New-TrustingClient
            $registry = New-Registry "https://127.0.0.1:$($standIn.Port)"
            $problem = $null
            try {
                Invoke-Sync { $client.ListTagsAsync($registry, 'openim-server', [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
            } catch {
                $problem = $_.Exception
            }

            $problem.ErrorId | Should -Be 'InsecureTokenRealm'
            $problem.Message | Should -Match 'token service as plain http'
            $standIn.Count('/token') | Should -Be 0
        } finally {
            $standIn.Dispose()
        }
    }

    It 'A next-page Link from https to plain http on the same host => UnsafeLink' {
        $standIn = Start-StandIn -Mode foreign-link -Certificate (New-TestCertificate)
        try {
            $standIn.Elsewhere = "http://127.0.0.1:$($standIn.Port)"
            $client = New-TrustingClient
            $registry = New-Registry "https://127.0.0.1:$($standIn.Port)"
            $problem = $null
            try {
                Invoke-Sync { $client.ListTagsAsync($registry, 'openim-server', [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
            } catch {
                $problem = $_.Exception
            }

            $problem.ErrorId | Should -Be 'UnsafeLink'
            $standIn.Count('/tags/list') | Should -Be 1
        } finally {
            $standIn.Dispose()
        }
    }
}
