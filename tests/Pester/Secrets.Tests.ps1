# Secrets (docs/reliability.md): a full lab scenario against the private repository, with the
# password given by -Credential, by Docker's config.json (auths) and as an identity token, with
# tags, manifests, a comparison, a probe, pulls onto a lab engine and failures with a wrong password,
# every stream captured at every preference. No password, no token the lab issued, and no Basic
# value built from them may appear in any record, in any output object, or in the settings file.

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

Describe 'Reliability: secrets' -Tag Lab -Skip:$noLab {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        . $PSScriptRoot/ReliabilityHelpers.ps1
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'secrets')
        $ghcr = $lab.Registries | Where-Object Name -EQ Ghcr
        $engine = $lab.Engines[1].DockerHost
        $hostPort = ([uri] $ghcr.Uri).Authority
        $dockerConfig = Join-Path $env:DOCKER_CONFIG 'config.json'
        Reset-OpenImLab
        [OpenIm.PowerShell.Registry.RegistrySession]::Shared.Reset()

        $user = $lab.PrivateUser
        $password = $lab.PrivatePassword
        $wrongPassword = 'Wr0ng-' + [guid]::NewGuid().ToString('N')
        $identityToken = 'idt-' + [guid]::NewGuid().ToString('N')
        $good = [pscredential]::new($user, (ConvertTo-SecureString $password -AsPlainText -Force))
        $bad = [pscredential]::new($user, (ConvertTo-SecureString $wrongPassword -AsPlainText -Force))
        function ConvertTo-Basic([string] $Secret) {
            [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${user}:$Secret"))
        }

        $secrets = [ordered]@{
            'the password'                 = $password
            'the wrong password'           = $wrongPassword
            'the identity token'           = $identityToken
            'Basic user:password'          = ConvertTo-Basic $password
            'Basic user:wrong password'    = ConvertTo-Basic $wrongPassword
            'the password, URL-encoded'    = [uri]::EscapeDataString($password)
        }

        $records = [Collections.Generic.List[object]]::new()

        # $Error then holds exactly the errors this scenario raised, not those of earlier test files.
        $Error.Clear()
        $tokens = [Collections.Generic.HashSet[string]]::new()
        function Invoke-Captured([scriptblock] $Step) {
            # Every preference at its loudest; every stream merged into the record list.
            $VerbosePreference = 'Continue'
            $DebugPreference = 'Continue'
            $InformationPreference = 'Continue'
            $WarningPreference = 'Continue'
            $ProgressPreference = 'Continue'
            try {
                & $Step *>&1 | ForEach-Object { $records.Add($_) }
            } catch {
                $records.Add($_)
            }

            # Tokens are read from the session after each step, before a later step can replace them.
            Get-OpenImSessionToken | ForEach-Object { $null = $tokens.Add($_) }
        }

        Invoke-Captured { Register-OpenImRegistry -Name Corp -Uri $ghcr.Uri -Namespace private -Priority 900 -PassThru }
        Invoke-Captured { Register-OpenImRegistry -Name Leaky -Uri "https://${user}:$password@mirror.example.com" -Namespace openimsdk }
        Invoke-Captured { Set-OpenImRegistry -Name Corp -Uri "http://${user}:$password@$hostPort" }

        # -Credential, through every registry cmdlet.
        Invoke-Captured { Test-OpenImRegistry -Registry Corp -Credential $good }
        Invoke-Captured { Get-OpenImTag -Image openim-server -Registry Corp -All -Credential $good }
        Invoke-Captured { Get-OpenImTag -Image openim-chat -Registry Corp -Credential $good }
        Invoke-Captured { Find-OpenImTag -Image openim-server -Version 3.8.* -Platform linux/amd64 -Registry Corp -Credential $good }
        Invoke-Captured { Get-OpenImManifest -Image openim-server -Tag v3.8.3 -Registry Corp -IncludeCreated -Credential $good }
        Invoke-Captured { Compare-OpenImRegistry -Image openim-server -Tag v3.8.3, latest -Registry Corp -Credential $good }
        Invoke-Captured { Invoke-OpenImPull -Image openim-server -Tag v3.8.3 -Registry Corp -NoFallback -DockerHost $engine -Credential $good }
        Invoke-Captured { Invoke-OpenImPull -Image openim-server -Tag latest -Registry Corp -DockerHost $engine -Credential $good -WhatIf }
        Invoke-Captured { Get-OpenImLocalImage -DockerHost $engine }

        # A wrong password, through the token service and through the engine.
        Invoke-Captured { Get-OpenImTag -Image openim-server -Registry Corp -All -Credential $bad }
        Invoke-Captured { Invoke-OpenImPull -Image openim-chat -Tag latest -Registry Corp -SkipVerify -NoFallback -DockerHost $engine -Credential $bad }

        # Docker's config.json: the right password, then a wrong one, then an identity token.
        @{ auths = @{ $hostPort = @{ auth = (ConvertTo-Basic $password) } } } | ConvertTo-Json -Depth 4 | Set-Content $dockerConfig
        Invoke-Captured { Get-OpenImTag -Image openim-chat -Registry Corp -All }
        Invoke-Captured { Get-OpenImManifest -Image openim-chat -Tag v1.8.4 -Registry Corp }
        Invoke-Captured { Invoke-OpenImPull -Image openim-chat -Tag v1.8.4 -Registry Corp -NoFallback -DockerHost $engine }
        [OpenIm.PowerShell.Registry.RegistrySession]::Shared.Reset()
        @{ auths = @{ $hostPort = @{ auth = (ConvertTo-Basic $wrongPassword) } } } | ConvertTo-Json -Depth 4 | Set-Content $dockerConfig
        Invoke-Captured { Get-OpenImTag -Image openim-chat -Registry Corp -All }
        @{ auths = @{ $hostPort = @{ identitytoken = $identityToken } } } | ConvertTo-Json -Depth 4 | Set-Content $dockerConfig
        Invoke-Captured { Get-OpenImTag -Image openim-chat -Registry Corp -All }
        Remove-Item $dockerConfig

        $Error | ForEach-Object { $records.Add($_) }
        $text = ($records | ConvertTo-StreamText) -join "`n"
        $issued = (Get-OpenImLabStats -Registry Ghcr).Token
        & docker -H $engine rmi -f "$hostPort/private/openim-server:v3.8.3" "$hostPort/private/openim-chat:v1.8.4" 2>&1 | Out-Null
    }

    AfterAll {
        Reset-OpenImLab
    }

    It 'The scenario ran in full => output, Verbose, Debug, Warning and Error records were captured, and the lab issued tokens' {
        @($records | Where-Object { $_ -is [OpenIm.PowerShell.Registry.OpenImTag] }).Count | Should -BeGreaterThan 3
        @($records | Where-Object { $_ -is [OpenIm.PowerShell.Engine.OpenImPullResult] }).Count | Should -Be 2
        @($records | Where-Object { $_ -is [OpenIm.PowerShell.Registry.OpenImManifest] }).Count | Should -Be 2
        @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 20
        @($records | Where-Object { $_ -is [Management.Automation.DebugRecord] }).Count | Should -BeGreaterThan 10
        @($records | Where-Object { $_ -is [Management.Automation.WarningRecord] }).Count | Should -BeGreaterThan 0
        $ids = @($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] })
        $ids | Should -Contain 'RegistryAuthenticationFailed'
        $ids | Should -Contain 'PullAccessDenied'
        $ids | Should -Contain 'RegistryUriHasCredentials'
        $issued | Should -BeGreaterThan 3
        $tokens.Count | Should -BeGreaterThan 0 -Because 'the tokens the lab issued are what the text is searched for'
        ($text -split "`n" | Where-Object { $_ -match 'Authorization: Bearer <redacted>' }) | Should -Not -BeNullOrEmpty -Because 'Debug shows the header, redacted'
    }

    It 'Passwords (-Credential, config.json, wrong ones, identity token, Basic values) in any stream or output object => none' {
        $found = foreach ($name in $secrets.Keys) { if ($text.Contains($secrets[$name])) { $name } }
        $found | Should -BeNullOrEmpty
    }

    It 'Tokens the lab issued, and anything shaped like a lab token, in any stream or output object => none' {
        $found = @($tokens | Where-Object { $text.Contains($_) })
        $found.Count | Should -Be 0
        $shaped = [regex]::Matches($text, '(?<![0-9a-f])[0-9a-f]{48}(?![0-9a-f])') |
            ForEach-Object { $text.Substring([Math]::Max(0, $_.Index - 60), [Math]::Min($text.Length - [Math]::Max(0, $_.Index - 60), 170)) }
        $shaped | Should -BeNullOrEmpty -Because 'the lab issues tokens as 48 lowercase hex characters'
    }

    It 'A -Credential for one registry while the call falls back to others => the credential reaches that registry only' {
        # Corp (the private namespace) lacks the tag, so the pull plan asks the next registry, a
        # stand-in tried first of the rest that records every Authorization header it gets.
        $bystander = Start-StandIn -Mode reject-tokens
        try {
            Register-OpenImRegistry -Name Bystander -Uri $bystander.Uri -Namespace openimsdk -Priority 1
            $plan = Invoke-OpenImPull -Image openim-server -Tag v3.8.3-patch.14 -Registry Corp -DockerHost $engine -Credential $good -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
            ($warnings -join "`n") | Should -Match 'Corp failed .*trying Bystander'
            $bystander.Count('/token') | Should -BeGreaterThan 0 -Because 'the bystander was asked, and challenged for a token'
            @($bystander.Authorizations | Where-Object { $_ -like 'Basic *' }) | Should -BeNullOrEmpty -Because 'the credential is for Corp alone'
        } finally {
            Unregister-OpenImRegistry -Name Bystander
            $bystander.Dispose()
        }
    }

    It 'The settings file after the scenario => no password, token or Basic value in clear text' {
        $stored = Get-Content -LiteralPath $env:OPENIM_CONFIG -Raw
        $stored | Should -Match '"Corp"'
        foreach ($name in $secrets.Keys) { $stored.Contains($secrets[$name]) | Should -BeFalse -Because "$name is not stored" }
        foreach ($token in $tokens) { $stored.Contains($token) | Should -BeFalse }
        $stored | Should -Not -Match $user -Because 'not even the user name of a URI with credentials is stored'
    }
}
