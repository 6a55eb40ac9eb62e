Describe 'Get-OpenImImage' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $env:OPENIM_CONFIG = Join-Path $TestDrive 'registries.json'
    }

    It 'lists the default images on the three built-in registries' {
        $images = Get-OpenImImage
        $images.Count | Should -Be 6
        @($images.Image | Sort-Object -Unique) | Should -Be @('openim-chat', 'openim-server')
        $images.Reference | Should -Contain 'ghcr.io/openimsdk/openim-server'
        $images.Reference | Should -Contain 'registry.cn-hangzhou.aliyuncs.com/openimsdk/openim-chat'
        $images.Reference | Should -Contain 'docker.io/openim/openim-server'
    }

    It 'orders registries by priority: Ghcr, Aliyun, DockerHub' {
        (Get-OpenImImage -Name openim-server).Registry | Should -Be @('Ghcr', 'Aliyun', 'DockerHub')
    }

    It 'adds the rest of the catalog with -All' {
        $all = Get-OpenImImage -All -Registry Ghcr
        $all.Image | Should -Contain 'openim-web-front'
        $all.Image | Should -Contain 'openim-rpc-user'
        $all.Image | Should -Contain 'openim-chat-rpc'
        $all.Count | Should -Be 20
        ($all | Where-Object IsDefault).Image | Should -Be @('openim-server', 'openim-chat')
    }

    It 'filters by name and registry with wildcards' {
        $images = Get-OpenImImage -Name 'openim-rpc-*' -Registry 'Ali*'
        $images.Count | Should -Be 7
        $images.Registry | Sort-Object -Unique | Should -Be 'Aliyun'
    }

    It 'names the closest catalog entries for an unknown image' {
        { Get-OpenImImage -Name openim-sever -ErrorAction Stop } |
            Should -Throw -ErrorId 'ImageNotFound,OpenIm.PowerShell.Commands.GetOpenImImageCommand' -ExpectedMessage '*openim-server*'
    }

    It 'reports an unknown registry and still lists the rest' {
        $images = Get-OpenImImage -Registry Ghcr, Nowhere -ErrorVariable problems -ErrorAction SilentlyContinue
        $images.Count | Should -Be 2
        $problems[0].FullyQualifiedErrorId | Should -Be 'RegistryNotFound,OpenIm.PowerShell.Commands.GetOpenImImageCommand'
    }

    It 'takes image names from the pipeline' {
        $images = 'openim-chat' | Get-OpenImImage -Registry DockerHub
        $images.Reference | Should -Be 'docker.io/openim/openim-chat'
    }

    It 'shows a table view whose labels are property names' {
        $text = Get-OpenImImage -Registry Ghcr | Format-Table | Out-String -Width 120
        $text | Should -Match 'Image\s+Registry\s+Product\s+Reference'
    }
}
