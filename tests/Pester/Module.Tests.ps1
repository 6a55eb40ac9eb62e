Describe 'The module manifest' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        $manifestPath = Join-Path $script:RepoRoot 'out/OpenIm/OpenIm.psd1'
        $manifest = Test-ModuleManifest $manifestPath -ErrorAction Stop
        $data = Import-PowerShellDataFile $manifestPath
        $module = Import-Module $manifestPath -PassThru -Force -ErrorAction Stop
        $dllCmdlets = [System.Reflection.Assembly]::LoadFrom((Join-Path $script:RepoRoot 'out/OpenIm/OpenIm.PowerShell.dll')).
            GetExportedTypes() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object {
                $attribute = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                "$($attribute.VerbName)-$($attribute.NounName)"
            }
    }

    It 'passes Test-ModuleManifest with the version from the root manifest' {
        $root = Import-PowerShellDataFile (Join-Path $script:RepoRoot 'OpenIm.psd1')
        $manifest.Version | Should -Be ([version] $root.ModuleVersion)
    }

    It 'exports exactly the cmdlets the dll defines' {
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($dllCmdlets | Sort-Object)
        @($data.CmdletsToExport | Sort-Object) | Should -Be @($dllCmdlets | Sort-Object)
    }

    It 'declares both editions, PowerShell 5.1 and the format file' {
        $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $data.PowerShellVersion | Should -Be '5.1'
        $data.FormatsToProcess | Should -Contain 'OpenIm.Format.ps1xml'
        Join-Path $script:RepoRoot 'out/OpenIm/OpenIm.Format.ps1xml' | Should -Exist
    }

    It 'stamps the manifest version into the assembly' {
        $dll = Join-Path $script:RepoRoot 'out/OpenIm/OpenIm.PowerShell.dll'
        [System.Reflection.AssemblyName]::GetAssemblyName($dll).Version.ToString(3) | Should -Be $data.ModuleVersion
    }

    It 'ships the Docker.DotNet.Enhanced engine client but not the PowerShell reference assemblies' {
        Join-Path $script:RepoRoot 'out/OpenIm/Docker.DotNet.dll' | Should -Exist
        Join-Path $script:RepoRoot 'out/OpenIm/System.Management.Automation.dll' | Should -Not -Exist
    }

    It 'declares an OutputType on every cmdlet' {
        foreach ($name in $dllCmdlets) {
            (Get-Command $name).OutputType.Count | Should -BeGreaterThan 0 -Because "$name must declare what it writes"
        }
    }

    It 'supports -WhatIf on every cmdlet that changes state' {
        foreach ($name in $dllCmdlets | Where-Object { $_ -match '^(Register|Set|Unregister|Invoke|Save|Import)-' }) {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf' -Because "$name changes state"
        }
    }
}
