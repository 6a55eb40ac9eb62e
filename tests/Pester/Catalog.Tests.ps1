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

Describe 'Views' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $formatFile = [xml](Get-Content (Join-Path $script:RepoRoot 'out/OpenIm/OpenIm.Format.ps1xml') -Raw)
        $views = $formatFile.Configuration.ViewDefinitions.View
        $outputTypes = Get-Command -Module OpenIm | ForEach-Object { $_.OutputType.Type } | Sort-Object FullName -Unique
    }

    It 'has a table view with four to six columns and a list view for every output type' {
        foreach ($type in $outputTypes) {
            $forType = @($views | Where-Object { $_.ViewSelectedBy.TypeName -eq $type.FullName })
            $table = $forType | Where-Object { $_.TableControl }
            $table | Should -Not -BeNullOrEmpty -Because "$($type.Name) needs a table view"
            $columns = @($table.TableControl.TableHeaders.TableColumnHeader).Count
            $columns | Should -BeGreaterOrEqual 4 -Because "$($type.Name) has $columns columns"
            $columns | Should -BeLessOrEqual 6 -Because "$($type.Name) has $columns columns"
            ($forType | Where-Object { $_.ListControl }) | Should -Not -BeNullOrEmpty -Because "$($type.Name) needs a list view"
        }
    }

    It 'labels every column and list item with a property of its type' {
        foreach ($view in $views) {
            $type = $outputTypes | Where-Object FullName -EQ $view.ViewSelectedBy.TypeName
            $properties = $type.GetProperties().Name
            $labels = if ($view.TableControl) { $view.TableControl.TableHeaders.TableColumnHeader.Label } else { $view.ListControl.ListEntries.ListEntry.ListItems.ListItem | ForEach-Object { if ($_.Label) { $_.Label } else { $_.PropertyName } } }
            foreach ($label in $labels) {
                $properties | Should -Contain $label -Because "$($view.Name) shows '$label'"
            }
        }
    }

    It 'keeps the tag table within 120 columns' {
        $widths = ($views | Where-Object Name -EQ 'OpenImTag').TableControl.TableHeaders.TableColumnHeader.Width | ForEach-Object { [int] $_ }
        ($widths | Measure-Object -Sum).Sum + $widths.Count - 1 | Should -BeLessOrEqual 120
    }
}
