# The help gate. Every exported cmdlet has a page in docs/ whose parameters, parameter sets, pipeline
# input, mandatory flags and positions are those of the dll, with a synopsis, a description, examples
# that parse and a description for every parameter; the built help (out/OpenIm/en-US) shows the pages.
# The Lab part runs the examples marked <!-- runnable --> against the local lab.

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $repoRoot 'tools/OpenImHelp.psm1') -Force
    $script:noLab = -not $env:OPENIM_LAB

    # The cmdlets of the module under test, as TestHelpers.ps1 chooses it: its manifest when it is a
    # built one, else the source manifest.
    $manifest = Join-Path $repoRoot 'out/OpenIm/OpenIm.psd1'
    if ($env:OPENIM_MODULE_PATH -like '*.psd1') {
        $manifest = $env:OPENIM_MODULE_PATH
    }

    if (-not (Test-Path $manifest)) {
        $manifest = Join-Path $repoRoot 'OpenIm.psd1'
    }

    $names = (Import-PowerShellDataFile $manifest).CmdletsToExport | Sort-Object
    $script:cmdlets = @($names | ForEach-Object { @{ Name = $_ } })

    # A page that cannot be read is reported by the Unit tests; here it only contributes no examples.
    $script:runnable = @(
        foreach ($file in Get-ChildItem (Join-Path $repoRoot 'docs') -Filter '*-*.md' -ErrorAction Ignore) {
            $page = try { Read-OpenImHelpPage -Path $file.FullName } catch { $null }
            foreach ($example in @($page | ForEach-Object Examples | Where-Object Runnable)) {
                @{ Cmdlet = $page.Name; Title = $example.Title; Code = $example.Code }
            }
        })
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-OpenImTestModule
    Import-Module (Join-Path $script:RepoRoot 'tools/OpenImHelp.psm1') -Force
    $script:DocsPath = Join-Path $script:RepoRoot 'docs'
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters
    $script:ReadOnlyCmdlets = @(
        'Get-OpenImRegistry', 'Get-OpenImImage', 'Get-OpenImTag', 'Find-OpenImTag', 'Get-OpenImManifest',
        'Compare-OpenImRegistry', 'Test-OpenImRegistry', 'Get-OpenImRelease')

    function Get-HelpPage([string] $Name) {
        $path = Join-Path $script:DocsPath "$Name.md"
        if (-not (Test-Path $path)) {
            throw "docs/$Name.md is missing: every exported cmdlet needs a page in the platyPS schema."
        }

        Read-OpenImHelpPage -Path $path
    }

    function Get-CmdletSetName($Command) {
        @($Command.ParameterSets | ForEach-Object Name)
    }

    function Get-DllParameterFact($Command) {
        # One fact per parameter and parameter set, common parameters left out (WhatIf and Confirm kept).
        foreach ($set in $Command.ParameterSets) {
            foreach ($parameter in $set.Parameters | Where-Object { $script:Common -notcontains $_.Name }) {
                $position = [string] $parameter.Position
                if ($parameter.Position -eq [int]::MinValue) {
                    $position = 'Named'
                }

                [pscustomobject]@{
                    Key            = "-$($parameter.Name) in $($set.Name)"
                    Required       = $parameter.IsMandatory
                    Position       = $position
                    ByValue        = $parameter.ValueFromPipeline
                    ByPropertyName = $parameter.ValueFromPipelineByPropertyName
                }
            }
        }
    }

    function Get-PageParameterFact($Page, $Command) {
        # The same facts read from the page's yaml blocks; '(All)' stands for every set of the dll.
        $allSets = Get-CmdletSetName $Command
        foreach ($parameter in $Page.Parameters) {
            foreach ($block in $parameter.Blocks) {
                $sets = if ($block.ParameterSets -contains '(All)') { $allSets } else { $block.ParameterSets }
                foreach ($set in $sets) {
                    [pscustomobject]@{
                        Key            = "-$($parameter.Name) in $set"
                        Required       = $block.Required
                        Position       = $block.Position
                        ByValue        = $block.ByValue
                        ByPropertyName = $block.ByPropertyName
                    }
                }
            }
        }
    }

    function Compare-Fact($Expected, $Actual) {
        # Differences as readable lines: what the dll says against what the page says.
        $byKey = @{}
        foreach ($fact in $Actual) { $byKey[$fact.Key] = $fact }
        foreach ($fact in $Expected) {
            $other = $byKey[$fact.Key]
            if ($null -eq $other) {
                "$($fact.Key): in the dll, not on the page"
                continue
            }

            foreach ($property in 'Required', 'Position', 'ByValue', 'ByPropertyName') {
                $inDll = [string] $fact.$property
                $onPage = [string] $other.$property
                if ($inDll -ne $onPage) {
                    "$($fact.Key): $property is '$inDll' in the dll but '$onPage' on the page"
                }
            }

            $byKey.Remove($fact.Key)
        }

        foreach ($key in $byKey.Keys) {
            "${key}: on the page, not in the dll"
        }
    }

    function Get-PlainText([string] $Text) {
        # Markdown and console help compared as words: markup and line breaks do not count.
        (($Text -replace '\[([^\]]+)\]\([^)]*\)', '$1' -replace '[`*]', '') -replace '\s+', ' ').Trim()
    }

    function Assert-BuiltHelp {
        $module = Get-Module OpenIm
        $helpFile = Join-Path $module.ModuleBase 'en-US/OpenIm.PowerShell.dll-Help.xml'
        if (-not (Test-Path $helpFile)) {
            throw ("The built help is missing: $helpFile does not exist. Run 'dotnet pwsh ./build.ps1 " +
                "Build', which builds it from docs/ with ConvertTo-OpenImMaml (tools/OpenImHelp.psm1).")
        }

        $helpFile
    }
}

Describe 'Help pages' -Tag Unit {
    It 'has a page for every exported cmdlet and no page for a cmdlet that does not exist' {
        $exported = @(Get-Command -Module OpenIm -CommandType Cmdlet | ForEach-Object Name | Sort-Object)
        $pages = @(Get-ChildItem $script:DocsPath -Filter '*.md' |
                Where-Object { (Get-Content $_.FullName -TotalCount 10) -match '^external help file:' } |
                ForEach-Object BaseName | Sort-Object)
        $exported | Should -Not -BeNullOrEmpty
        $missing = @($exported | Where-Object { $pages -notcontains $_ })
        $extra = @($pages | Where-Object { $exported -notcontains $_ })
        $missing | Should -BeNullOrEmpty -Because 'every exported cmdlet needs docs/<Name>.md'
        $extra | Should -BeNullOrEmpty -Because 'a page must describe a cmdlet the module exports'
    }

    Context '<Name>' -ForEach $cmdlets {
        BeforeAll {
            $command = Get-Command $Name -ErrorAction Stop
            $page = Get-HelpPage $Name
        }

        It 'has the front matter and title of the platyPS schema' {
            $page.FrontMatter['external help file'] | Should -Be $command.HelpFile
            $page.FrontMatter['Module Name'] | Should -Be 'OpenIm'
            $page.FrontMatter['schema'] | Should -Be '2.0.0'
            $page.FrontMatter.Contains('online version') | Should -BeTrue
            $page.Name | Should -Be $Name
        }

        It 'has a synopsis, a description and at least two examples with remarks' {
            $page.Synopsis | Should -Not -BeNullOrEmpty
            $page.Description | Should -Not -BeNullOrEmpty
            $page.Examples.Count | Should -BeGreaterOrEqual 2
            foreach ($example in $page.Examples) {
                $example.Title | Should -Match '^Example \d+: \S' -Because 'examples are titled "Example N: title"'
                $example.Remarks | Should -Not -BeNullOrEmpty -Because "'$($example.Title)' needs prose after it"
            }
        }

        It 'documents exactly the parameters of the dll, WhatIf and Confirm included' {
            $inDll = @($command.Parameters.Keys | Where-Object { $script:Common -notcontains $_ } |
                    Sort-Object)
            $onPage = @($page.Parameters.Name | Sort-Object)
            $missing = @($inDll | Where-Object { $onPage -notcontains $_ })
            $extra = @($onPage | Where-Object { $inDll -notcontains $_ })
            $missing | Should -BeNullOrEmpty -Because 'every parameter of the dll needs a ### -Name entry'
            $extra | Should -BeNullOrEmpty -Because 'the page must not document what the dll does not have'
            $page.HasCommonParameters | Should -BeTrue -Because 'the page needs a ### CommonParameters entry'
        }

        It 'describes every parameter' {
            foreach ($parameter in $page.Parameters) {
                $parameter.Description | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs one"
            }
        }

        It 'names the parameter sets of the dll, with the default one marked' {
            $sets = Get-CmdletSetName $command
            @($page.Syntax.ParameterSet | Sort-Object) | Should -Be @($sets | Sort-Object)
            if ($sets.Count -gt 1) {
                @($page.Syntax | Where-Object IsDefault).ParameterSet | Should -Be $command.DefaultParameterSet
            }

            $named = @($page.Parameters.Blocks.ParameterSets | Where-Object { $_ -ne '(All)' } |
                    Sort-Object -Unique)
            foreach ($set in $named) {
                $sets | Should -Contain $set -Because "the yaml names the parameter set '$set'"
            }
        }

        It 'matches the dll in parameter sets, mandatory, position and pipeline input' {
            $inDll = Get-DllParameterFact $command
            $onPage = Get-PageParameterFact $page $command
            $differences = @(Compare-Fact $inDll $onPage)
            $differences | Should -BeNullOrEmpty -Because ($differences -join '; ')
        }

        It 'matches the dll in types, aliases, accepted values and wildcard support' {
            foreach ($parameter in $page.Parameters) {
                $metadata = $command.Parameters[$parameter.Name]
                if ($null -eq $metadata) {
                    continue
                }

                $type = $metadata.ParameterType
                $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
                $validateSet = $metadata.Attributes | Where-Object { $_ -is [ValidateSet] }
                $accepted = @()
                if ($element.IsEnum) {
                    $accepted = [enum]::GetNames($element)
                }
                elseif ($validateSet) {
                    $accepted = $validateSet.ValidValues
                }

                $wildcards = [bool] ($metadata.Attributes | Where-Object { $_ -is [SupportsWildcards] })
                $what = "-$($parameter.Name)"
                foreach ($block in $parameter.Blocks) {
                    $block.Type | Should -Be $type.Name -Because "$what is a $($type.Name)"
                    $aliases = @($metadata.Aliases | Sort-Object)
                    @($block.Aliases | Sort-Object) | Should -Be $aliases -Because "the aliases of $what"
                    @($block.AcceptedValues) | Should -Be @($accepted) -Because "the accepted values of $what"
                    $block.Globbing | Should -Be $wildcards -Because "SupportsWildcards on $what says so"
                }
            }
        }

        It 'shows the syntax Get-Command shows' {
            foreach ($set in $command.ParameterSets) {
                $block = $page.Syntax | Where-Object ParameterSet -EQ $set.Name
                $block.Text | Should -Be "$Name $set" -Because "the syntax of the set '$($set.Name)'"
            }
        }

        It 'has examples whose code parses' {
            foreach ($example in $page.Examples) {
                $tokens = $errors = $null
                $null = [System.Management.Automation.Language.Parser]::ParseInput(
                    $example.Code,
                    [ref] $tokens,
                    [ref] $errors)
                $messages = @($errors | ForEach-Object Message)
                $messages | Should -BeNullOrEmpty -Because "'$($example.Title)' must parse"
            }
        }

        It 'marks as runnable only read-only examples' {
            foreach ($example in $page.Examples | Where-Object Runnable) {
                $tokens = $errors = $null
                $ast = [System.Management.Automation.Language.Parser]::ParseInput(
                    $example.Code,
                    [ref] $tokens,
                    [ref] $errors)
                $isCommand = { $args[0] -is [System.Management.Automation.Language.CommandAst] }
                $commands = $ast.FindAll($isCommand, $true)
                $used = $commands | ForEach-Object { $_.GetCommandName() } | Where-Object { $_ -like '*-OpenIm*' }
                foreach ($name in $used) {
                    $because = "'$($example.Title)' runs against the lab"
                    $script:ReadOnlyCmdlets | Should -Contain $name -Because $because
                }
            }
        }

        It 'is what Get-Help -Full shows: synopsis, description and every parameter' {
            $null = Assert-BuiltHelp
            $help = Get-Help $Name -Full
            Get-PlainText $help.Synopsis | Should -Be (Get-PlainText $page.Synopsis)
            Get-PlainText ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
            @($help.examples.example).Count | Should -Be $page.Examples.Count
            $helpParameters = @($help.parameters.parameter | Where-Object { $script:Common -notcontains $_.name })
            @($helpParameters.name | Sort-Object) | Should -Be @($page.Parameters.Name | Sort-Object) -Because (
                'the built help must be rebuilt after a page changes')
            foreach ($parameter in $helpParameters) {
                $description = Get-PlainText ($parameter.description.Text -join ' ')
                $description | Should -Not -BeNullOrEmpty -Because "Get-Help must describe -$($parameter.name)"
            }
        }
    }

    Context 'about_OpenIm' {
        BeforeAll {
            $aboutPath = Join-Path $script:DocsPath 'about_OpenIm.md'
        }

        It 'has the sections of the about schema and the topics it must cover' {
            $aboutPath | Should -Exist
            $text = Get-Content $aboutPath -Raw
            $text | Should -Match '(?m)^# about_OpenIm\s*$'
            foreach ($heading in 'SHORT DESCRIPTION', 'LONG DESCRIPTION', 'SEE ALSO') {
                $text | Should -Match "(?m)^## $heading\s*$"
            }

            $topics = @(
                'OPENIM_CONFIG', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH',
                'HTTPS_PROXY', 'NO_PROXY', '-patch.N', 'CredentialNeedsOneRegistry', 'EngineUnavailable',
                'DigestMismatch')
            foreach ($topic in $topics) {
                $text | Should -BeLike "*$topic*" -Because "about_OpenIm must explain $topic"
            }
        }

        It 'is what Get-Help about_OpenIm shows' {
            $null = Assert-BuiltHelp
            $help = Get-Help about_OpenIm | Out-String
            $help | Should -Match 'SHORT DESCRIPTION'
            $help | Should -Match 'LONG DESCRIPTION'
            $help | Should -BeLike '*Get-OpenImTag -Channel Release | Invoke-OpenImPull*'
        }
    }

    Context 'The converter' {
        BeforeAll {
            $output = Join-Path $TestDrive 'help'
            $written = ConvertTo-OpenImMaml -DocsPath $script:DocsPath -OutputPath $output
        }

        It 'writes well-formed MAML with one command per page' {
            $written.Name | Should -Contain 'OpenIm.PowerShell.dll-Help.xml'
            $written.Name | Should -Contain 'about_OpenIm.help.txt'
            [xml] $maml = Get-Content (Join-Path $output 'OpenIm.PowerShell.dll-Help.xml') -Raw
            $namespaces = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
            $namespaces.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
            $namespaces.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
            $nodes = $maml.SelectNodes('//command:command/command:details/command:name', $namespaces)
            $exported = Get-Command -Module OpenIm -CommandType Cmdlet | ForEach-Object Name
            @($nodes | ForEach-Object InnerText | Sort-Object) | Should -Be @($exported | Sort-Object)
        }

        It 'built the same help that is in the module' {
            $installed = Assert-BuiltHelp
            $fresh = Join-Path $output 'OpenIm.PowerShell.dll-Help.xml'
            (Get-FileHash $installed).Hash | Should -Be (Get-FileHash $fresh).Hash -Because (
                'the help in out/OpenIm/en-US must be rebuilt from the current docs')
        }
    }
}

Describe 'Runnable help examples' -Tag Lab -Skip:$noLab {
    BeforeAll {
        $savedConfig = $env:OPENIM_CONFIG
        $savedDockerConfig = $env:DOCKER_CONFIG
        $null = Use-OpenImLabRegistry -Folder (Join-Path $TestDrive 'help')
        Reset-OpenImLab
    }

    AfterAll {
        Reset-OpenImLab
        $env:OPENIM_CONFIG = $savedConfig
        $env:DOCKER_CONFIG = $savedDockerConfig
    }

    It '<Cmdlet>: <Title>' -ForEach $runnable {
        # Errors the example does not handle itself stop it, and so fail the test; the output is
        # formatted, as at a prompt, so that formatting errors count too.
        $ErrorActionPreference = 'Stop'
        $example = [scriptblock]::Create($Code)
        $null = & $example | Out-String
    }
}
