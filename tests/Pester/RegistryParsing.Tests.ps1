# Unit tests of the registry client's pure parsing: challenges, rate-limit headers, manifests and
# image references. No network.

Describe 'Authentication challenges' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
    }

    It 'parses a Bearer challenge with quoted parameters' {
        $c = [OpenIm.PowerShell.Registry.AuthChallenge]::Parse('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:openimsdk/openim-server:pull"')
        $c.IsBearer | Should -BeTrue
        $c.Realm | Should -Be 'https://ghcr.io/token'
        $c.Service | Should -Be 'ghcr.io'
        $c.Scope | Should -Be 'repository:openimsdk/openim-server:pull'
    }

    It 'keeps commas inside quotes and reads the error' {
        $c = [OpenIm.PowerShell.Registry.AuthChallenge]::Parse('Bearer realm="https://auth.example/token",scope="repository:a/b:pull,push",error="insufficient_scope"')
        $c.Scope | Should -Be 'repository:a/b:pull,push'
        $c.Error | Should -Be 'insufficient_scope'
    }

    It 'parses Basic and unquoted values' {
        $c = [OpenIm.PowerShell.Registry.AuthChallenge]::Parse('Basic realm=registry')
        $c.IsBasic | Should -BeTrue
        $c.Realm | Should -Be 'registry'
    }

    It 'returns null for nothing' {
        [OpenIm.PowerShell.Registry.AuthChallenge]::Parse('  ') | Should -BeNullOrEmpty
    }
}

Describe 'Docker Hub rate-limit headers' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
    }

    It 'reads <Text>' -ForEach @(
        @{ Text = '100;w=21600'; Value = 100; Window = 21600 }
        @{ Text = '76;w=21600'; Value = 76; Window = 21600 }
        @{ Text = '5'; Value = 5; Window = $null }
        @{ Text = ' 7 ; w = 60 '; Value = 7; Window = 60 }
        @{ Text = ''; Value = $null; Window = $null }
        @{ Text = ';w='; Value = $null; Window = $null }
        @{ Text = 'abc;w=x'; Value = $null; Window = $null }
    ) {
        $parsedValue = $null
        $parsedWindow = $null
        [OpenIm.PowerShell.Registry.RateLimitInfo]::ParseValue($Text, [ref] $parsedValue, [ref] $parsedWindow)
        $parsedValue | Should -Be $Value
        if ($null -eq $Window) { $parsedWindow | Should -BeNullOrEmpty } else { $parsedWindow.TotalSeconds | Should -Be $Window }
    }
}

Describe 'Manifest parsing' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        function Parse([string] $json, [string] $contentType = $null) {
            $bytes = [Text.Encoding]::UTF8.GetBytes($json)
            [OpenIm.PowerShell.Registry.ManifestDocument]::Parse($bytes, 'sha256:' + ('0' * 64), $contentType)
        }
    }

    It 'reads an OCI index and leaves attestations out of the platforms' {
        $index = Parse @'
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":10,"platform":{"os":"linux","architecture":"amd64"}},
 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":11,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cc","size":12,"platform":{"os":"unknown","architecture":"unknown"},
  "annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"sha256:aa"}}]}
'@
        $index.IsIndex | Should -BeTrue
        $index.Entries.Count | Should -Be 3
        @($index.Platforms.Platform) | Should -Be @('linux/amd64', 'linux/arm64/v8')
    }

    It 'reads a Docker v2 manifest with its config and layers' {
        $m = Parse '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:c","size":100},"layers":[{"digest":"sha256:l1","size":1000},{"digest":"sha256:l2","size":2000}]}'
        $m.IsIndex | Should -BeFalse
        $m.Config.Size | Should -Be 100
        ($m.Layers | Measure-Object Size -Sum).Sum | Should -Be 3000
    }

    It 'takes the media type from Content-Type when the body has none' {
        $m = Parse '{"schemaVersion":2,"manifests":[]}' 'application/vnd.docker.distribution.manifest.list.v2+json'
        $m.MediaType | Should -Be 'application/vnd.docker.distribution.manifest.list.v2+json'
    }

    It 'refuses <Case> with a FormatException' -ForEach @(
        @{ Case = 'malformed JSON'; Json = '{"schemaVersion":2,' }
        @{ Case = 'an array'; Json = '[1,2]' }
        @{ Case = 'an HTML page'; Json = '<html><body>502 Bad Gateway</body></html>' }
        @{ Case = 'an index without a list'; Json = '{"mediaType":"application/vnd.oci.image.index.v1+json"}' }
        @{ Case = 'a manifest without a config'; Json = '{"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}' }
    ) {
        { Parse $Json } | Should -Throw -ExceptionType ([System.Management.Automation.MethodInvocationException])
        try { Parse $Json } catch { $_.Exception.InnerException | Should -BeOfType [System.FormatException] }
    }

    It 'computes sha256 digests as registries write them' {
        [OpenIm.PowerShell.Registry.RegistryClient]::Sha256Digest([Text.Encoding]::UTF8.GetBytes('abc')) |
            Should -Be 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    }
}

Describe 'Image references' -Tag Unit {
    BeforeAll {
        . $PSScriptRoot/TestHelpers.ps1
        Import-OpenImTestModule
        $registries = [OpenIm.PowerShell.Catalog.BuiltInRegistries]::All
        function Parse([string] $text) { [OpenIm.PowerShell.Catalog.ImageReference]::Parse($text, $registries) }
    }

    It 'maps <Text> to <Registry> / <Image> / <Tag>' -ForEach @(
        @{ Text = 'ghcr.io/openimsdk/openim-server:v3.8.3'; Registry = 'Ghcr'; Image = 'openim-server'; Tag = 'v3.8.3' }
        @{ Text = 'registry.cn-hangzhou.aliyuncs.com/openimsdk/openim-chat:release-v1.8'; Registry = 'Aliyun'; Image = 'openim-chat'; Tag = 'release-v1.8' }
        @{ Text = 'docker.io/openim/openim-server'; Registry = 'DockerHub'; Image = 'openim-server'; Tag = 'latest' }
        @{ Text = 'registry-1.docker.io/openim/openim-chat:v1.8.4'; Registry = 'DockerHub'; Image = 'openim-chat'; Tag = 'v1.8.4' }
        @{ Text = 'openim-server:v3.8.3-patch.2'; Registry = $null; Image = 'openim-server'; Tag = 'v3.8.3-patch.2' }
        @{ Text = 'openim/openim-web-front:release-v3.8.3'; Registry = $null; Image = 'openim-web-front'; Tag = 'release-v3.8.3' }
    ) {
        $r = Parse $Text
        $r.Registry.Name | Should -Be $Registry
        $r.Image | Should -Be $Image
        $r.Tag | Should -Be $Tag
    }

    It 'keeps a digest' {
        $digest = 'sha256:' + ('a' * 64)
        $r = Parse "ghcr.io/openimsdk/openim-server:v3.8.3@$digest"
        $r.Digest | Should -Be $digest
        $r.Tag | Should -Be 'v3.8.3'
    }

    It 'refuses <Case> with <ErrorId>' -ForEach @(
        @{ Case = 'an unknown host'; Text = 'quay.io/openimsdk/openim-server:v1'; ErrorId = 'RegistryNotFound' }
        @{ Case = 'another namespace'; Text = 'ghcr.io/evil/openim-server:v1'; ErrorId = 'InvalidReference' }
        @{ Case = 'an unknown image'; Text = 'ghcr.io/openimsdk/openim-sever:v1'; ErrorId = 'ImageNotFound' }
        @{ Case = 'a bad tag'; Text = 'ghcr.io/openimsdk/openim-server:-x'; ErrorId = 'InvalidReference' }
        @{ Case = 'a bad digest'; Text = 'ghcr.io/openimsdk/openim-server@sha256:xyz'; ErrorId = 'InvalidReference' }
        @{ Case = 'CR/LF'; Text = "ghcr.io/openimsdk/openim-server:v1`r`nX: y"; ErrorId = 'InvalidReference' }
        @{ Case = 'path traversal'; Text = 'ghcr.io/openimsdk/../openim-server:v1'; ErrorId = 'InvalidReference' }
        @{ Case = 'a look-alike'; Text = "ghcr.io/openimsdk/$([char]0x043E)penim-server:v1"; ErrorId = 'InvalidReference' }
        @{ Case = 'a very long string'; Text = 'a' * 5000; ErrorId = 'InvalidReference' }
    ) {
        try {
            Parse $Text
            throw 'no error'
        }
        catch {
            $_.Exception.InnerException.ErrorId | Should -Be $ErrorId
        }
    }
}
