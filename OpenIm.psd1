@{
    # The one version source: build.ps1 reads it and stamps it into the assembly and the package.
    ModuleVersion        = '0.1.0'
    GUID                 = '6f5c0a4e-2b7d-4c55-9d7e-3f0e8a1b9c42'
    RootModule           = 'OpenIm.PowerShell.dll'
    Author               = 'OpenIm.PowerShell contributors'
    CompanyName          = 'OpenIm.PowerShell'
    Copyright            = '(c) OpenIm.PowerShell contributors. Apache License 2.0.'
    Description          = 'Find, choose and pull OpenIM container images from ghcr.io, the Alibaba Cloud registry and Docker Hub: live tags by channel, version order, platforms, mirror drift and verified pulls through the Docker engine.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('OpenIm.Format.ps1xml')
    CmdletsToExport      = @(
        'Compare-OpenImRegistry'
        'Find-OpenImTag'
        'Get-OpenImImage'
        'Get-OpenImLocalImage'
        'Get-OpenImManifest'
        'Get-OpenImRelease'
        'Get-OpenImRegistry'
        'Get-OpenImTag'
        'Import-OpenImImage'
        'Invoke-OpenImPull'
        'Register-OpenImRegistry'
        'Save-OpenImImage'
        'Set-OpenImRegistry'
        'Test-OpenImRegistry'
        'Unregister-OpenImRegistry'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OpenIM', 'Docker', 'Container', 'Registry', 'OCI', 'ghcr', 'DockerHub', 'Aliyun', 'Linux', 'Windows', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/openimsdk/OpenIm.PowerShell'
            ReleaseNotes = 'See README.md.'
        }
    }
}
