Describe 'Registry settings' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $cmdletId = @{
            Register   = 'OpenIm.PowerShell.Commands.RegisterOpenImRegistryCommand'
            Set        = 'OpenIm.PowerShell.Commands.SetOpenImRegistryCommand'
            Unregister = 'OpenIm.PowerShell.Commands.UnregisterOpenImRegistryCommand'
            Get        = 'OpenIm.PowerShell.Commands.GetOpenImRegistryCommand'
        }
    }

    BeforeEach {
        $folder = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory $folder | Out-Null
        $env:OPENIM_CONFIG = Join-Path $folder 'settings/registries.json'
    }

    Context 'Get-OpenImRegistry' {
        It 'lists the built-in registries in priority order without a settings file' {
            $registries = Get-OpenImRegistry
            $registries.Name | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
            $registries.Priority | Should -Be @(10, 20, 30)
            ($registries | Where-Object Name -EQ DockerHub).Uri | Should -Be 'https://registry-1.docker.io/'
            ($registries | Where-Object Name -EQ DockerHub).Host | Should -Be 'docker.io'
            $env:OPENIM_CONFIG | Should -Not -Exist
        }

        It 'filters by name with wildcards and reports an unknown literal name' {
            (Get-OpenImRegistry -Name 'd*').Name | Should -Be 'DockerHub'
            { Get-OpenImRegistry -Name Nowhere -ErrorAction Stop } |
                Should -Throw -ErrorId "RegistryNotFound,$($cmdletId.Get)"
        }
    }

    Context 'Register-OpenImRegistry' {
        It 'writes the file named by OPENIM_CONFIG and no other' {
            $fakeHome = Join-Path $TestDrive ([guid]::NewGuid())
            New-Item -ItemType Directory $fakeHome | Out-Null
            $saved = $env:HOME, $env:XDG_CONFIG_HOME, $env:APPDATA
            try {
                $env:HOME = $fakeHome
                $env:XDG_CONFIG_HOME = Join-Path $fakeHome '.config'
                $env:APPDATA = Join-Path $fakeHome 'AppData'
                Register-OpenImRegistry -Name Corp -Uri https://mirror.example.com -Namespace openimsdk
            }
            finally {
                $env:HOME, $env:XDG_CONFIG_HOME, $env:APPDATA = $saved
            }

            $env:OPENIM_CONFIG | Should -Exist
            @(Get-ChildItem (Split-Path $env:OPENIM_CONFIG) -Force).Name | Should -Be @('registries.json')
            @(Get-ChildItem $fakeHome -Recurse -Force) | Should -BeNullOrEmpty
            (Get-Content $env:OPENIM_CONFIG -Raw | ConvertFrom-Json).registries[0].uri | Should -Be 'https://mirror.example.com/'
        }

        It 'adds the registry in priority order with -PassThru' {
            $registry = Register-OpenImRegistry Corp https://mirror.example.com:5000 openim -Priority 5 -PassThru
            $registry.Name | Should -Be 'Corp'
            $registry.Host | Should -Be 'mirror.example.com:5000'
            $registry.Source | Should -Be 'User'
            (Get-OpenImRegistry).Name | Should -Be @('Corp', 'Ghcr', 'Aliyun', 'DockerHub')
            (Get-OpenImImage -Name openim-server -Registry Corp).Reference | Should -Be 'mirror.example.com:5000/openim/openim-server'
        }

        It 'refuses a duplicate name, built-in or registered, with RegistryAlreadyExists' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk
            { Register-OpenImRegistry corp https://other.example.com openimsdk -ErrorAction Stop } |
                Should -Throw -ErrorId "RegistryAlreadyExists,$($cmdletId.Register)"
            { Register-OpenImRegistry Ghcr https://other.example.com openimsdk -ErrorAction Stop } |
                Should -Throw -ErrorId "RegistryAlreadyExists,$($cmdletId.Register)"
            (Get-Content $env:OPENIM_CONFIG -Raw | ConvertFrom-Json).registries.Count | Should -Be 1
        }

        It 'refuses <Case> with <ErrorId> and writes nothing' -ForEach @(
            @{ Case = 'a file: URI'; Name = 'A'; Uri = 'file:///etc/passwd'; Namespace = 'x'; ErrorId = 'InvalidRegistryUri' }
            @{ Case = 'an ftp URI'; Name = 'A'; Uri = 'ftp://mirror.example.com'; Namespace = 'x'; ErrorId = 'InvalidRegistryUri' }
            @{ Case = 'a relative URI'; Name = 'A'; Uri = 'mirror.example.com'; Namespace = 'x'; ErrorId = 'InvalidRegistryUri' }
            @{ Case = 'a URI with a path'; Name = 'A'; Uri = 'https://mirror.example.com/v2/'; Namespace = 'x'; ErrorId = 'InvalidRegistryUri' }
            @{ Case = 'a URI with CR/LF'; Name = 'A'; Uri = "https://mirror.example.com`r`nX-Injected: 1"; Namespace = 'x'; ErrorId = 'InvalidRegistryUri' }
            @{ Case = 'user info in the URI'; Name = 'A'; Uri = 'https://bob:secret@mirror.example.com'; Namespace = 'x'; ErrorId = 'RegistryUriHasCredentials' }
            @{ Case = 'plain http to a remote host'; Name = 'A'; Uri = 'http://mirror.example.com'; Namespace = 'x'; ErrorId = 'InsecureRegistryUri' }
            @{ Case = 'a name with a space'; Name = 'My Mirror'; Uri = 'https://m.example.com'; Namespace = 'x'; ErrorId = 'InvalidRegistryName' }
            @{ Case = 'a name with a path'; Name = '../etc'; Uri = 'https://m.example.com'; Namespace = 'x'; ErrorId = 'InvalidRegistryName' }
            @{ Case = 'a very long name'; Name = 'a' * 300; Uri = 'https://m.example.com'; Namespace = 'x'; ErrorId = 'InvalidRegistryName' }
            @{ Case = 'an uppercase namespace'; Name = 'A'; Uri = 'https://m.example.com'; Namespace = 'OpenIM'; ErrorId = 'InvalidNamespace' }
            @{ Case = 'a traversal namespace'; Name = 'A'; Uri = 'https://m.example.com'; Namespace = '../openimsdk'; ErrorId = 'InvalidNamespace' }
            @{ Case = 'a look-alike namespace'; Name = 'A'; Uri = 'https://m.example.com'; Namespace = "$([char]0x043E)penimsdk"; ErrorId = 'InvalidNamespace' }
        ) {
            { Register-OpenImRegistry -Name $Name -Uri $Uri -Namespace $Namespace -ErrorAction Stop } |
                Should -Throw -ErrorId "$ErrorId,$($cmdletId.Register)"
            $env:OPENIM_CONFIG | Should -Not -Exist
        }

        It 'never shows a password given in a URI' {
            $problem = $null
            Register-OpenImRegistry A https://bob:hunter2@mirror.example.com x -ErrorVariable problem -ErrorAction SilentlyContinue
            # PowerShell itself echoes the typed command line in its error view; what we write must not.
            $problem[0].FullyQualifiedErrorId | Should -BeLike 'RegistryUriHasCredentials,*'
            $problem[0].Exception.Message + $problem[0].TargetObject + $problem[0].ErrorDetails | Should -Not -Match 'hunter2'
            $problem[0].TargetObject | Should -Be 'https://***@mirror.example.com/'
            Register-OpenImRegistry A https://bob:hunter2@mirror.example.com x -WhatIf -ErrorAction SilentlyContinue 6>&1 |
                Out-String | Should -Not -Match 'hunter2'
        }

        It 'accepts plain http for loopback, and elsewhere with -AllowHttp' {
            (Register-OpenImRegistry Lab http://127.0.0.1:5000 openimsdk -PassThru).Uri | Should -Be 'http://127.0.0.1:5000/'
            (Register-OpenImRegistry Trusted http://mirror.corp.example openimsdk -AllowHttp -PassThru).AllowHttp | Should -BeTrue
        }

        It 'changes nothing with -WhatIf' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk -WhatIf
            $env:OPENIM_CONFIG | Should -Not -Exist
        }

        It 'takes registries from the pipeline by property name' {
            @(
                [pscustomobject]@{ Name = 'One'; Uri = 'https://one.example.com'; Namespace = 'openimsdk'; Priority = 60 }
                [pscustomobject]@{ Name = 'Two'; Uri = 'https://two.example.com'; Namespace = 'openim'; Priority = 70 }
            ) | Register-OpenImRegistry
            (Get-OpenImRegistry).Name | Should -Be @('Ghcr', 'Aliyun', 'DockerHub', 'One', 'Two')
        }
    }

    Context 'Set-OpenImRegistry' {
        It 'redirects a built-in registry to a mirror and -Reset restores it' {
            $changed = Set-OpenImRegistry Ghcr -Uri http://127.0.0.1:5001 -PassThru
            $changed.Uri | Should -Be 'http://127.0.0.1:5001/'
            $changed.Host | Should -Be 'ghcr.io'
            $changed.IsRedirected | Should -BeTrue
            $changed.PullHost | Should -Be '127.0.0.1:5001'
            $changed.Source | Should -Be 'BuiltInChanged'
            (Get-OpenImImage openim-server -Registry Ghcr).Reference | Should -Be 'ghcr.io/openimsdk/openim-server'

            $reset = Set-OpenImRegistry Ghcr -Reset -PassThru
            $reset.Uri | Should -Be 'https://ghcr.io/'
            $reset.Source | Should -Be 'BuiltIn'
            (Get-Content $env:OPENIM_CONFIG -Raw | ConvertFrom-Json).registries.Count | Should -Be 0
        }

        It 'changes priority so the order follows' {
            Set-OpenImRegistry DockerHub -Priority 1
            (Get-OpenImRegistry).Name | Should -Be @('DockerHub', 'Ghcr', 'Aliyun')
        }

        It 'changes a registered registry and keeps what was not named' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk -Priority 40
            $changed = Set-OpenImRegistry Corp -Namespace openim -PassThru
            $changed.Namespace | Should -Be 'openim'
            $changed.Priority | Should -Be 40
            $changed.Uri | Should -Be 'https://mirror.example.com/'
        }

        It 'fails with RegistryNotFound for an unknown name' {
            { Set-OpenImRegistry Nowhere -Priority 3 -ErrorAction Stop } |
                Should -Throw -ErrorId "RegistryNotFound,$($cmdletId.Set)"
        }

        It 'fails with ResetNotApplicable for a registered registry' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk
            { Set-OpenImRegistry Corp -Reset -ErrorAction Stop } |
                Should -Throw -ErrorId "ResetNotApplicable,$($cmdletId.Set)"
        }

        It 'validates the new URI and priority' {
            { Set-OpenImRegistry Ghcr -Uri 'file:///tmp' -ErrorAction Stop } |
                Should -Throw -ErrorId "InvalidRegistryUri,$($cmdletId.Set)"
            { Set-OpenImRegistry Ghcr -Priority 5000 -ErrorAction Stop } |
                Should -Throw -ErrorId "InvalidPriority,$($cmdletId.Set)"
            $env:OPENIM_CONFIG | Should -Not -Exist
        }

        It 'changes nothing with -WhatIf' {
            Set-OpenImRegistry Aliyun -Priority 1 -WhatIf
            $env:OPENIM_CONFIG | Should -Not -Exist
            (Get-OpenImRegistry Aliyun).Priority | Should -Be 20
        }
    }

    Context 'Unregister-OpenImRegistry' {
        It 'removes a registered registry, also from the pipeline' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk
            Register-OpenImRegistry Other https://other.example.com openimsdk
            Get-OpenImRegistry Corp, Other | Unregister-OpenImRegistry -Confirm:$false
            (Get-OpenImRegistry).Name | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
        }

        It 'refuses to remove a built-in registry' {
            { Unregister-OpenImRegistry Ghcr -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId "BuiltInRegistryCannotBeRemoved,$($cmdletId.Unregister)"
        }

        It 'fails with RegistryNotFound and goes on with the next item' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk
            'Nowhere', 'Corp' | Unregister-OpenImRegistry -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems[0].FullyQualifiedErrorId | Should -Be "RegistryNotFound,$($cmdletId.Unregister)"
            (Get-OpenImRegistry).Name | Should -Not -Contain 'Corp'
        }

        It 'changes nothing with -WhatIf' {
            Register-OpenImRegistry Corp https://mirror.example.com openimsdk
            Unregister-OpenImRegistry Corp -WhatIf
            (Get-OpenImRegistry).Name | Should -Contain 'Corp'
        }
    }

    Context 'A corrupt settings file' {
        It 'names the file in the error, keeps the built-in registries working, and is not overwritten' {
            New-Item -ItemType Directory (Split-Path $env:OPENIM_CONFIG) -Force | Out-Null
            Set-Content $env:OPENIM_CONFIG '{ "registries": [ { "name": ' -NoNewline
            $registries = Get-OpenImRegistry -ErrorVariable problems -ErrorAction SilentlyContinue
            $registries.Name | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
            $problems[0].FullyQualifiedErrorId | Should -Be "SettingsFileCorrupt,$($cmdletId.Get)"
            $problems[0].Exception.Message | Should -BeLike "*$($env:OPENIM_CONFIG)*"

            { Register-OpenImRegistry Corp https://mirror.example.com openimsdk -ErrorAction Stop } |
                Should -Throw -ErrorId "SettingsFileCorrupt,$($cmdletId.Register)"
            Get-Content $env:OPENIM_CONFIG -Raw | Should -Be '{ "registries": [ { "name": '
        }
    }
}
