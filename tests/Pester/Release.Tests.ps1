# Lab tests of release sets (Get-OpenImRelease) and air-gapped bundles (Save-/Import-OpenImImage).

BeforeDiscovery {
    $script:noLab = -not $env:OPENIM_LAB
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
}

Describe 'Get-OpenImRelease against the lab' -Tag Lab -Skip:$noLab {
    BeforeAll {
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'release')
        Reset-OpenImLab
        Test-OpenImRegistry | Out-Null
    }

    It 'returns the newest 3.8 server and the newest 1.8 chat for -Version 3.8' {
        $set = Get-OpenImRelease -Version 3.8
        @($set.Role) | Should -Be @('Server', 'Chat')
        ($set | Where-Object Role -EQ Server).Tag | Should -Be 'v3.8.3-patch.15'
        ($set | Where-Object Role -EQ Chat).Tag | Should -Be 'v1.8.4-patch.5'
        $set.Release | Sort-Object -Unique | Should -Be '3.8'
        $set.Registry | Sort-Object -Unique | Should -Be 'Ghcr'
        $set | ForEach-Object { $_.Digest | Should -Match '^sha256:' }
    }

    It 'pairs server 3.Y with chat 1.Y on older lines' {
        $set = Get-OpenImRelease -Version 3.7
        @($set.Tag) | Should -Be @('v3.7.1', 'v1.7.1')
    }

    It 'takes the newest release line with -Channel Release' {
        $set = Get-OpenImRelease -Channel Release
        @($set.Tag) | Should -Be @('release-v3.8.3', 'release-v1.8.4')
    }

    It 'reports a member missing on the chosen registry with the nearest alternative and returns no partial set' {
        $set = Get-OpenImRelease -Version 3.8 -Registry Aliyun -ErrorVariable problems -ErrorAction SilentlyContinue
        $set | Should -BeNullOrEmpty
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ReleaseMemberMissing,OpenIm.PowerShell.Commands.GetOpenImReleaseCommand'
        $problems[0].Exception.Message | Should -Match 'openim-chat:v1\.8\.4-patch\.5 is missing on Aliyun'
        $problems[0].Exception.Message | Should -Match 'nearest alternative is v1\.8\.4-patch\.4'
    }

    It 'checks the platform of every member and names the newest tag that has it' {
        $set = Get-OpenImRelease -Version 3.8 -Platform linux/arm64 -ErrorVariable problems -ErrorAction SilentlyContinue
        $set | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ReleaseMemberMissing,*'
        $problems[0].Exception.Message | Should -Match 'v3\.8\.3-patch\.15 .*not published for linux/arm64.*v3\.8\.3-patch\.14'
    }

    It 'adds the front ends from their release tags with -IncludeFrontEnd' {
        $set = Get-OpenImRelease -Version 3.8 -Registry DockerHub -IncludeFrontEnd -WarningAction SilentlyContinue
        @($set.Role) | Should -Be @('Server', 'Chat', 'WebFront', 'AdminFront')
        ($set | Where-Object Role -EQ WebFront).Tag | Should -Be 'release-v3.8.3'
        ($set | Where-Object Role -EQ AdminFront).Tag | Should -Be 'release-v1.8.4-patch.2'
        $set.Registry | Sort-Object -Unique | Should -Be 'DockerHub'
    }

    It 'refuses a line that is not major.minor before any request' {
        Reset-OpenImLabStats
        { Get-OpenImRelease -Version '3.8-rc.1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidVersionRange,OpenIm.PowerShell.Commands.GetOpenImReleaseCommand'
        (Get-OpenImLabStats -Registry Ghcr).Total | Should -Be 0
    }

    It 'pipes into Invoke-OpenImPull and pulls the set' {
        $engine = $lab.Engines[0].DockerHost
        Clear-LabEngine $engine
        $results = Get-OpenImRelease -Channel Release | Invoke-OpenImPull -DockerHost $engine
        @($results.Reference) | Should -Be @('ghcr.io/openimsdk/openim-server:release-v3.8.3', 'ghcr.io/openimsdk/openim-chat:release-v1.8.4')
        $results | ForEach-Object { Get-LabEngineImage $engine $_.Reference | Should -Not -BeNullOrEmpty }
        Clear-LabEngine $engine
    }
}

Describe 'Save-OpenImImage and Import-OpenImImage between two lab engines' -Tag Lab -Skip:$noLab {
    BeforeAll {
        Import-OpenImTestModule
        $lab = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'bundle')
        $source = $lab.Engines[0].DockerHost
        $target = $lab.Engines[1].DockerHost
        Reset-OpenImLab
        Test-OpenImRegistry | Out-Null
        Clear-LabEngine $source
        Clear-LabEngine $target
        $pulled = Get-OpenImRelease -Version 3.8 | Invoke-OpenImPull -DockerHost $source
        $archivePath = Join-Path $TestDrive 'openim-3.8.tar'
        $archive = $pulled | Save-OpenImImage -Path $archivePath -DockerHost $source
    }

    AfterAll {
        Clear-LabEngine $source
        Clear-LabEngine $target
    }

    It 'writes one archive with a manifest of references, digests, platforms and sizes, and its sha256' {
        $archive.Path | Should -Be $archivePath
        $archive.Sha256 | Should -Be ('sha256:' + (Get-FileHash $archivePath -Algorithm SHA256).Hash.ToLowerInvariant())
        $archive.Size | Should -Be (Get-Item $archivePath).Length
        @($archive.Images.Reference) | Should -Be @($pulled.Reference)
        foreach ($image in $archive.Images) {
            $image.Digest | Should -Be ($pulled | Where-Object Reference -EQ $image.Reference).Digest
            $image.ImageId | Should -Be ($pulled | Where-Object Reference -EQ $image.Reference).ImageId
            $image.Platform | Should -Be 'linux/amd64'
            $image.Size | Should -BeGreaterThan 0
        }
        & tar -tf $archivePath | Should -Contain 'openim-manifest.json'
    }

    It 'imports into the second engine with the same image ids' {
        Clear-LabEngine $target
        $imported = Import-OpenImImage -Path $archivePath -DockerHost $target
        @($imported.Reference) | Should -Be @($pulled.Reference)
        @($imported.ImageId) | Should -Be @($pulled.ImageId)
        foreach ($result in $imported) {
            (Get-LabEngineImage $target $result.Reference).Id | Should -Be $result.ImageId
        }
    }

    It 'is accepted by docker load as it is' {
        Clear-LabEngine $target
        & docker -H $target load -i $archivePath 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        foreach ($image in $pulled) {
            (Get-LabEngineImage $target $image.Reference).Id | Should -Be $image.ImageId
        }
    }

    It 'refuses a truncated archive and loads nothing' {
        Clear-LabEngine $target
        $truncated = Join-Path $TestDrive 'truncated.tar'
        $bytes = [IO.File]::ReadAllBytes($archivePath)
        [IO.File]::WriteAllBytes($truncated, $bytes[0..([int]($bytes.Length * 0.6))])
        { Import-OpenImImage -Path $truncated -DockerHost $target -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArchiveDamaged,OpenIm.PowerShell.Commands.ImportOpenImImageCommand'
        (& docker -H $target images -q) | Should -BeNullOrEmpty
    }

    It 'refuses an archive whose layer was altered and loads nothing' {
        Clear-LabEngine $target
        $altered = Join-Path $TestDrive 'altered.tar'
        $bytes = [IO.File]::ReadAllBytes($archivePath)
        # Flip a byte inside the first layer's content (after the first header of a layer.tar entry).
        $text = [Text.Encoding]::ASCII.GetString($bytes)
        $at = $text.IndexOf('layer.tar')
        $at | Should -BeGreaterThan 0
        $bytes[$at + 512 + 700] = $bytes[$at + 512 + 700] -bxor 0xff
        [IO.File]::WriteAllBytes($altered, $bytes)
        { Import-OpenImImage -Path $altered -DockerHost $target -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArchiveDamaged,OpenIm.PowerShell.Commands.ImportOpenImImageCommand'
        (& docker -H $target images -q) | Should -BeNullOrEmpty
    }

    It 'refuses a foreign archive with ArchiveNotOpenIm' {
        $foreign = Join-Path $TestDrive 'foreign.tar'
        & docker -H $source save -o $foreign $pulled[0].Reference
        { Import-OpenImImage -Path $foreign -DockerHost $target -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArchiveNotOpenIm,OpenIm.PowerShell.Commands.ImportOpenImImageCommand'
    }

    It 'needs -Force to replace a file, and writes nothing with -WhatIf' {
        { $pulled | Save-OpenImImage -Path $archivePath -DockerHost $source -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArchiveExists,OpenIm.PowerShell.Commands.SaveOpenImImageCommand'
        $whatIf = Join-Path $TestDrive 'whatif.tar'
        $pulled | Save-OpenImImage -Path $whatIf -DockerHost $source -WhatIf
        $whatIf | Should -Not -Exist
        @(Get-ChildItem $TestDrive -Filter '*.partial') | Should -BeNullOrEmpty
        $again = $pulled | Save-OpenImImage -Path $archivePath -DockerHost $source -Force
        $again.Sha256 | Should -Match '^sha256:'
    }

    It 'reports an image that is not on the engine and saves the rest' {
        $partial = Join-Path $TestDrive 'partial.tar'
        $result = 'ghcr.io/openimsdk/openim-chat:v1.0.0', $pulled[0].Reference |
            Save-OpenImImage -Path $partial -DockerHost $source -ErrorVariable problems -ErrorAction SilentlyContinue
        @($result.Images.Reference) | Should -Be @($pulled[0].Reference)
        $problems[0].FullyQualifiedErrorId | Should -Be 'ImageNotOnEngine,OpenIm.PowerShell.Commands.SaveOpenImImageCommand'
    }
}
