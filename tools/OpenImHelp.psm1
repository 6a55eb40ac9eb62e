<#
.SYNOPSIS
    Builds OpenIm's help from the markdown pages in docs/.

.DESCRIPTION
    The cmdlet pages follow the platyPS markdown schema 2.0 and about_OpenIm.md the platyPS about
    schema. ConvertTo-OpenImMaml turns them into what Get-Help reads: a MAML file named by the pages'
    'external help file' (OpenIm.PowerShell.dll-Help.xml) and one <topic>.help.txt per about page.
    platyPS is not needed; Read-OpenImHelpPage is the same reader, exported for the help tests.

    A page that does not follow the schema is an error that names the file and the line, so a broken
    page fails the build instead of shipping half a help topic.
#>

Set-StrictMode -Version 3.0

$script:MamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:AboutWidth = 80

# The keys a parameter's yaml block may hold, in the order platyPS writes them.
$script:ParameterKeys = @(
    'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value',
    'Accept pipeline input', 'Accept wildcard characters')

function New-PageError {
    param([string] $Path, [int] $Line, [string] $Message)

    $where = if ($Line -gt 0) { "${Path}:$Line" } else { $Path }
    [System.IO.InvalidDataException]::new("${where}: $Message")
}

function Split-MarkdownBlock {
    <#
    .SYNOPSIS
        Splits lines into sections at the headings of one level, ignoring '#' lines inside code fences.
        Each section carries its heading, the line number of the heading, and its body lines.
    #>
    param([object[]] $Lines, [int] $Level, [int] $FirstLine = 1)

    $marker = ('#' * $Level) + ' '
    $sections = [System.Collections.Generic.List[object]]::new()
    $newSection = {
        param($Heading, $Line)
        $body = [System.Collections.Generic.List[string]]::new()
        [pscustomobject]@{ Heading = $Heading; Line = $Line; Body = $body }
    }

    $current = & $newSection $null $FirstLine
    $inFence = $false
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        $line = [string] $Lines[$i]
        if ($line -match '^\s*```') {
            $inFence = -not $inFence
        }

        if (-not $inFence -and $line.StartsWith($marker)) {
            $sections.Add($current)
            $current = & $newSection $line.Substring($marker.Length).Trim() ($FirstLine + $i)
            continue
        }

        $current.Body.Add($line)
    }

    $sections.Add($current)
    $sections
}

function Split-Subsection {
    # The '###' parts of a '##' section, the text before the first '###' included (Heading $null).
    param($Section)

    Split-MarkdownBlock -Lines $Section.Body -Level 3 -FirstLine ($Section.Line + 1)
}

function Read-FencedBlock {
    <#
    .SYNOPSIS
        The fenced code blocks among lines: language, the text inside, and whether the line just before
        the opening fence (blank lines skipped) is the marker <!-- runnable -->.
    #>
    param([object[]] $Lines)

    $blocks = [System.Collections.Generic.List[object]]::new()
    $open = $null
    $lastText = $null
    foreach ($line in $Lines) {
        if ($null -eq $open -and $line -match '^\s*```\s*([\w-]*)\s*$') {
            $open = [pscustomobject]@{
                Language = $Matches[1]
                Runnable = ($lastText -match '^\s*<!--\s*runnable\s*-->\s*$')
                Lines    = [System.Collections.Generic.List[string]]::new()
            }
            continue
        }

        if ($null -ne $open) {
            if ($line -match '^\s*```\s*$') {
                $blocks.Add([pscustomobject]@{
                    Language = $open.Language
                    Runnable = $open.Runnable
                    Text     = ($open.Lines -join "`n")
                })
                $open = $null
                $lastText = $null
            }
            else {
                $open.Lines.Add($line)
            }

            continue
        }

        if ($line.Trim()) {
            $lastText = $line
        }
    }

    $blocks
}

function Get-TextOutsideFence {
    # The lines of a body that are neither inside a code fence nor an HTML comment, trimmed at both ends.
    param([object[]] $Lines)

    $kept = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') {
            $inFence = -not $inFence
            continue
        }

        if ($inFence -or $line -match '^\s*<!--.*-->\s*$') {
            continue
        }

        $kept.Add($line)
    }

    (($kept -join "`n").Trim())
}

function ConvertFrom-ParameterYaml {
    param([string] $Text, [string] $Path, [int] $Line, [string] $Parameter)

    $values = [ordered]@{}
    foreach ($row in $Text -split "`n") {
        if (-not $row.Trim()) {
            continue
        }

        if ($row -notmatch '^([A-Za-z ]+):\s*(.*)$') {
            $message = "the yaml block of -$Parameter has a line that is not 'Key: value': '$row'."
            throw (New-PageError $Path $Line $message)
        }

        $key = $Matches[1].Trim()
        if ($script:ParameterKeys -notcontains $key) {
            throw (New-PageError $Path $Line "the yaml block of -$Parameter has the unknown key '$key'.")
        }

        $values[$key] = $Matches[2].Trim()
    }

    foreach ($key in 'Type', 'Parameter Sets', 'Required', 'Position', 'Accept pipeline input') {
        if (-not $values.Contains($key) -or -not $values[$key]) {
            throw (New-PageError $Path $Line "the yaml block of -$Parameter has no '$key'.")
        }
    }

    $pipeline = $values['Accept pipeline input']
    if ($pipeline -notmatch '^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$') {
        $message = "-$Parameter has 'Accept pipeline input: $pipeline'; " +
            'write False or True (ByPropertyName, ByValue).'
        throw (New-PageError $Path $Line $message)
    }

    $position = $values['Position']
    if ($position -notmatch '^(Named|\d+)$') {
        throw (New-PageError $Path $Line "-$Parameter has 'Position: $position'; write Named or a number.")
    }

    $sets = $values['Parameter Sets']
    $list = {
        param([string] $Value)
        @($Value -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -ne '(None)' })
    }

    $default = 'None'
    if ($values.Contains('Default value') -and $values['Default value']) {
        $default = $values['Default value']
    }

    [pscustomobject]@{
        Type             = $values['Type']
        ParameterSets    = if ($sets -eq '(All)') { @('(All)') } else { @(& $list $sets) }
        Aliases          = @(& $list ([string] $values['Aliases']))
        AcceptedValues   = @(& $list ([string] $values['Accepted values']))
        Required         = $values['Required'] -eq 'True'
        Position         = $position
        DefaultValue     = $default
        PipelineInput    = $pipeline
        ByValue          = $pipeline -match 'ByValue'
        ByPropertyName   = $pipeline -match 'ByPropertyName'
        Globbing         = $values['Accept wildcard characters'] -eq 'True'
    }
}

function Read-FrontMatter {
    param([string[]] $Lines, [string] $Path)

    if ($Lines.Count -eq 0 -or $Lines[0].Trim() -ne '---') {
        throw (New-PageError $Path 1 'the page does not start with YAML front matter (---).')
    }

    $end = -1
    for ($i = 1; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i].Trim() -eq '---') {
            $end = $i
            break
        }
    }

    if ($end -lt 0) {
        throw (New-PageError $Path 1 'the YAML front matter is not closed with ---.')
    }

    $values = [ordered]@{}
    for ($i = 1; $i -lt $end; $i++) {
        if ($Lines[$i] -match '^([^:]+):\s*(.*)$') {
            $values[$Matches[1].Trim()] = $Matches[2].Trim()
        }
    }

    [pscustomobject]@{ Values = $values; EndLine = $end }
}

function Read-TypeSection {
    # INPUTS and OUTPUTS: one '### Type' heading per type, with a description under it.
    param($Section)

    foreach ($entry in Split-Subsection $Section) {
        if ($null -eq $entry.Heading) {
            continue
        }

        [pscustomobject]@{ Type = $entry.Heading; Description = Get-TextOutsideFence $entry.Body }
    }
}

function Read-OpenImHelpPage {
    <#
    .SYNOPSIS
        Reads one cmdlet page of the platyPS markdown schema 2.0 into an object: front matter, name,
        synopsis, syntax per parameter set, description, examples, parameters with their yaml blocks,
        inputs, outputs, notes and related links.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [string] $Path
    )

    process {
        $resolved = (Resolve-Path -LiteralPath $Path).Path
        $lines = @((Get-Content -LiteralPath $resolved -Encoding utf8) -replace "`r$", '')
        $front = Read-FrontMatter -Lines $lines -Path $resolved
        $bodyLines = @($lines | Select-Object -Skip ($front.EndLine + 1))
        $firstBodyLine = $front.EndLine + 2

        $top = @(Split-MarkdownBlock -Lines $bodyLines -Level 1 -FirstLine $firstBodyLine | Where-Object Heading)
        if ($top.Count -ne 1) {
            $message = "the page needs exactly one '# Cmdlet-Name' heading; it has $($top.Count)."
            throw (New-PageError $resolved $firstBodyLine $message)
        }

        $name = $top[0].Heading
        $sections = [ordered]@{}
        foreach ($section in Split-MarkdownBlock -Lines $top[0].Body -Level 2 -FirstLine ($top[0].Line + 1)) {
            if ($null -eq $section.Heading) {
                continue
            }

            if ($sections.Contains($section.Heading)) {
                $message = "the section '## $($section.Heading)' appears twice."
                throw (New-PageError $resolved $section.Line $message)
            }

            $sections[$section.Heading] = $section
        }

        $requiredSections = @(
            'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES',
            'RELATED LINKS')
        foreach ($required in $requiredSections) {
            if (-not $sections.Contains($required)) {
                throw (New-PageError $resolved 0 "the page has no '## $required' section.")
            }
        }

        # Syntax: a fenced block per parameter set, under '### Set' or '### Set (Default)' when there
        # are several; a single set has no heading.
        $syntax = [System.Collections.Generic.List[object]]::new()
        foreach ($entry in Split-Subsection $sections['SYNTAX']) {
            $blocks = @(Read-FencedBlock $entry.Body)
            if ($null -eq $entry.Heading) {
                foreach ($block in $blocks) {
                    $syntax.Add([pscustomobject]@{
                        ParameterSet = '__AllParameterSets'
                        IsDefault    = $true
                        Text         = $block.Text.Trim()
                        Line         = $entry.Line
                    })
                }

                continue
            }

            if ($blocks.Count -ne 1) {
                $message = "the syntax of '$($entry.Heading)' needs exactly one code block."
                throw (New-PageError $resolved $entry.Line $message)
            }

            $syntax.Add([pscustomobject]@{
                ParameterSet = ($entry.Heading -replace '\s+\(Default\)$', '').Trim()
                IsDefault    = $entry.Heading -match '\s+\(Default\)$'
                Text         = $blocks[0].Text.Trim()
                Line         = $entry.Line
            })
        }

        if ($syntax.Count -eq 0) {
            throw (New-PageError $resolved $sections['SYNTAX'].Line 'the SYNTAX section has no code block.')
        }

        # Examples: '### Example N: title', a powershell block, then remarks.
        $examples = [System.Collections.Generic.List[object]]::new()
        foreach ($entry in Split-Subsection $sections['EXAMPLES']) {
            if ($null -eq $entry.Heading) {
                continue
            }

            # The first fenced block is the code; text and further blocks (output) after it are remarks.
            $code = @(Read-FencedBlock $entry.Body)
            if ($code.Count -eq 0 -or $code[0].Language -notin 'powershell', 'PowerShell') {
                $message = "the example '$($entry.Heading)' does not start with a powershell code block."
                throw (New-PageError $resolved $entry.Line $message)
            }

            $afterCode = [System.Collections.Generic.List[string]]::new()
            $fences = 0
            foreach ($line in $entry.Body) {
                if ($fences -ge 2) {
                    $afterCode.Add($line)
                }
                elseif ($line -match '^\s*```') {
                    $fences++
                }
            }

            $examples.Add([pscustomobject]@{
                Title    = $entry.Heading
                Code     = $code[0].Text
                Runnable = $code[0].Runnable
                Remarks  = ($afterCode -join "`n").Trim()
                Line     = $entry.Line
            })
        }

        # Parameters: '### -Name', its description, one yaml block per group of parameter sets.
        $parameters = [System.Collections.Generic.List[object]]::new()
        $hasCommon = $false
        foreach ($entry in Split-Subsection $sections['PARAMETERS']) {
            if ($null -eq $entry.Heading) {
                continue
            }

            if ($entry.Heading -eq 'CommonParameters') {
                $hasCommon = $true
                continue
            }

            if ($entry.Heading -notmatch '^-(\w+)$') {
                $message = "'### $($entry.Heading)' is not a parameter heading ('### -Name')."
                throw (New-PageError $resolved $entry.Line $message)
            }

            $parameterName = $Matches[1]
            $yaml = @(Read-FencedBlock $entry.Body | Where-Object Language -EQ 'yaml')
            if ($yaml.Count -eq 0) {
                throw (New-PageError $resolved $entry.Line "-$parameterName has no yaml block.")
            }

            # The description is the text before the first yaml block.
            $descriptionLines = [System.Collections.Generic.List[string]]::new()
            foreach ($line in $entry.Body) {
                if ($line -match '^\s*```yaml') {
                    break
                }

                $descriptionLines.Add($line)
            }

            $blocks = foreach ($block in $yaml) {
                ConvertFrom-ParameterYaml $block.Text $resolved $entry.Line $parameterName
            }

            $parameters.Add([pscustomobject]@{
                Name        = $parameterName
                Description = Get-TextOutsideFence $descriptionLines
                Blocks      = @($blocks)
                Line        = $entry.Line
            })
        }

        $links = foreach ($line in $sections['RELATED LINKS'].Body) {
            if ($line -match '^\s*\[([^\]]+)\]\(([^)]*)\)') {
                [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }
            }
        }

        [pscustomobject]@{
            PSTypeName          = 'OpenImHelpPage'
            Path                = $resolved
            FrontMatter         = $front.Values
            Name                = $name
            Synopsis            = Get-TextOutsideFence $sections['SYNOPSIS'].Body
            Syntax              = $syntax.ToArray()
            Description         = Get-TextOutsideFence $sections['DESCRIPTION'].Body
            DescriptionMarkdown = ($sections['DESCRIPTION'].Body -join "`n").Trim()
            Examples            = $examples.ToArray()
            Parameters          = $parameters.ToArray()
            HasCommonParameters = $hasCommon
            Inputs              = @(Read-TypeSection $sections['INPUTS'])
            Outputs             = @(Read-TypeSection $sections['OUTPUTS'])
            Notes               = ($sections['NOTES'].Body -join "`n").Trim()
            RelatedLinks        = @($links)
        }
    }
}

function ConvertFrom-InlineMarkdown {
    # Console help has no markup: code spans, bold and links become their plain text. With
    # -KeepCodeTogether the spaces inside code spans become no-break spaces, so that wrapping never
    # splits a command across lines; Format-AboutParagraph turns them back.
    param([string] $Text, [switch] $KeepCodeTogether)

    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\([^)]*\)', '$1')
    $Text = [regex]::Replace($Text, '\*\*([^*]+)\*\*', '$1')
    [regex]::Replace($Text, '`([^`]+)`', {
            param($match)
            $code = $match.Groups[1].Value
            if ($KeepCodeTogether) { $code.Replace(' ', [string][char]0xA0) } else { $code }
        })
}

function Format-MarkdownTable {
    # A markdown table as aligned plain-text columns, without its separator row. With -Width, the
    # last column wraps under itself so that no line is longer than that.
    param([string[]] $Rows, [int] $Width = 0)

    $cells = foreach ($row in $Rows) {
        $trimmed = $row.Trim()
        $trimmed = $trimmed -replace '^\|', '' -replace '\|$', ''
        , @($trimmed -split '\|' | ForEach-Object { ConvertFrom-InlineMarkdown $_.Trim() })
    }

    $widths = @{}
    foreach ($row in $cells) {
        for ($i = 0; $i -lt $row.Count; $i++) {
            $widths[$i] = [Math]::Max([int] $widths[$i], $row[$i].Length)
        }
    }

    $lines = foreach ($row in $cells) {
        $padded = for ($i = 0; $i -lt $row.Count - 1; $i++) {
            $row[$i].PadRight($widths[$i])
        }

        $lead = if ($padded) { (@($padded) -join '  ') + '  ' } else { '' }
        $last = $row[$row.Count - 1]
        $room = $Width - $lead.Length
        if ($Width -le 0 -or $lead.Length + $last.Length -le $Width -or $room -lt 20) {
            ($lead + $last).TrimEnd()
            continue
        }

        # Wrap the last cell into the room left of the width, continuing under its own column.
        $current = ''
        $first = $true
        foreach ($word in $last -split ' +') {
            if ($current -and $current.Length + 1 + $word.Length -gt $room) {
                $(if ($first) { $lead } else { ' ' * $lead.Length }) + $current
                $first = $false
                $current = $word
                continue
            }

            $current = if ($current) { "$current $word" } else { $word }
        }

        $(if ($first) { $lead } else { ' ' * $lead.Length }) + $current
    }

    $lines -join "`n"
}

function Split-MarkdownParagraph {
    <#
    .SYNOPSIS
        Splits markdown into the blocks console help shows: paragraphs (lines joined), list items
        (one each, marker kept), code fences as they are (Verbatim) and tables as aligned columns
        (Table). Each block is an object with Kind (Text, Item, Verbatim, Table) and Text.
    #>
    param([string] $Markdown, [switch] $KeepCodeTogether, [int] $TableWidth = 0)

    $blocks = [System.Collections.Generic.List[object]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $kind = $null
    $flush = {
        if ($buffer.Count -gt 0) {
            $block = switch ($kind) {
                'Verbatim' { [pscustomobject]@{ Kind = 'Verbatim'; Text = $buffer -join "`n" } }
                'Table' {
                    $table = Format-MarkdownTable $buffer.ToArray() -Width $TableWidth
                    [pscustomobject]@{ Kind = 'Table'; Text = $table }
                }
                default {
                    $joined = ($buffer | ForEach-Object Trim) -join ' '
                    $text = ConvertFrom-InlineMarkdown $joined -KeepCodeTogether:$KeepCodeTogether
                    [pscustomobject]@{ Kind = $kind; Text = $text }
                }
            }

            $blocks.Add($block)
            $buffer.Clear()
        }
    }

    $inFence = $false
    foreach ($line in ($Markdown -split "`n")) {
        if ($line -match '^\s*```') {
            . $flush
            $inFence = -not $inFence
            $kind = if ($inFence) { 'Verbatim' } else { $null }
            continue
        }

        if ($inFence) {
            $buffer.Add($line)
            continue
        }

        if ($line -match '^\s*<!--.*-->\s*$') {
            continue
        }

        if (-not $line.Trim()) {
            . $flush
            $kind = $null
            continue
        }

        if ($line -match '^\s*\|') {
            if ($kind -ne 'Table') {
                . $flush
                $kind = 'Table'
            }

            # The separator row of a markdown table says nothing to a reader of plain text.
            if ($line -notmatch '^\s*\|[\s:|-]+\|\s*$') {
                $buffer.Add($line)
            }

            continue
        }

        if ($line -match '^\s*([-*]|\d+\.)\s+') {
            . $flush
            $kind = 'Item'
            $buffer.Add($line.Trim())
            continue
        }

        if ($kind -eq 'Table') {
            . $flush
            $kind = $null
        }

        if ($null -eq $kind) {
            $kind = 'Text'
        }

        $buffer.Add($line)
    }

    . $flush
    $blocks
}

function Write-MamlParagraph {
    param([System.Xml.XmlWriter] $Writer, [string] $Markdown)

    $blocks = @(Split-MarkdownParagraph $Markdown)
    if ($blocks.Count -eq 0) {
        $Writer.WriteElementString('maml', 'para', $script:MamlNamespace, '')
        return
    }

    foreach ($block in $blocks) {
        $Writer.WriteElementString('maml', 'para', $script:MamlNamespace, $block.Text)
    }
}

function Write-MamlDescription {
    param([System.Xml.XmlWriter] $Writer, [string] $Markdown)

    $Writer.WriteStartElement('maml', 'description', $script:MamlNamespace)
    Write-MamlParagraph $Writer $Markdown
    $Writer.WriteEndElement()
}

function Write-MamlType {
    param([System.Xml.XmlWriter] $Writer, [string] $TypeName)

    $Writer.WriteStartElement('dev', 'type', $script:DevNamespace)
    $Writer.WriteElementString('maml', 'name', $script:MamlNamespace, $TypeName)
    $Writer.WriteElementString('maml', 'uri', $script:MamlNamespace, '')
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param(
        [System.Xml.XmlWriter] $Writer,
        $Parameter,
        $Block,
        [switch] $InSyntax
    )

    $isSwitch = $Block.Type -eq 'SwitchParameter'
    $isArray = $Block.Type.EndsWith('[]').ToString().ToLowerInvariant()
    $position = if ($Block.Position -eq 'Named') { 'named' } else { $Block.Position }
    $aliases = if ($Block.Aliases.Count -gt 0) { $Block.Aliases -join ', ' } else { 'none' }
    $Writer.WriteStartElement('command', 'parameter', $script:CommandNamespace)
    $Writer.WriteAttributeString('required', $Block.Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $isArray)
    $Writer.WriteAttributeString('globbing', $Block.Globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Block.PipelineInput)
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $script:MamlNamespace, $Parameter.Name)
    Write-MamlDescription $Writer $Parameter.Description
    if ($InSyntax -and $Block.AcceptedValues.Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:CommandNamespace)
        foreach ($value in $Block.AcceptedValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNamespace)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }

        $Writer.WriteEndElement()
    }
    elseif (-not $isSwitch -or -not $InSyntax) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNamespace)
        $Writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', $isArray)
        $Writer.WriteString($Block.Type)
        $Writer.WriteEndElement()
    }

    Write-MamlType $Writer $Block.Type
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNamespace, $Block.DefaultValue)
    $Writer.WriteEndElement()
}

function Get-SyntaxParameterName {
    # The parameter names of one syntax line, in their order, without <CommonParameters>.
    param([string] $Text)

    [regex]::Matches($Text, '(?<![\w-])-(\w+)') | ForEach-Object { $_.Groups[1].Value }
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, $Page)

    $verb, $noun = $Page.Name -split '-', 2
    $Writer.WriteStartElement('command', 'command', $script:CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNamespace)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $script:CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNamespace)

    $Writer.WriteStartElement('command', 'details', $script:CommandNamespace)
    $Writer.WriteElementString('command', 'name', $script:CommandNamespace, $Page.Name)
    $Writer.WriteElementString('command', 'verb', $script:CommandNamespace, $verb)
    $Writer.WriteElementString('command', 'noun', $script:CommandNamespace, $noun)
    Write-MamlDescription $Writer $Page.Synopsis
    $Writer.WriteEndElement()

    Write-MamlDescription $Writer $Page.DescriptionMarkdown

    # Syntax: the parameters of each set in the order the page's syntax line lists them.
    $byName = @{}
    foreach ($parameter in $Page.Parameters) {
        $byName[$parameter.Name] = $parameter
    }

    $Writer.WriteStartElement('command', 'syntax', $script:CommandNamespace)
    foreach ($set in $Page.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:CommandNamespace)
        $Writer.WriteElementString('maml', 'name', $script:MamlNamespace, $Page.Name)
        foreach ($name in Get-SyntaxParameterName $set.Text) {
            if (-not $byName.ContainsKey($name)) {
                $message = "the syntax names -$name, which has no entry under PARAMETERS."
                throw (New-PageError $Page.Path $set.Line $message)
            }

            $parameter = $byName[$name]
            $covering = { $_.ParameterSets -contains '(All)' -or $_.ParameterSets -contains $set.ParameterSet }
            $block = $parameter.Blocks | Where-Object $covering | Select-Object -First 1
            if ($null -eq $block) {
                $message = "-$name is in the syntax of '$($set.ParameterSet)' but no yaml block covers that set."
                throw (New-PageError $Page.Path $parameter.Line $message)
            }

            Write-MamlParameter $Writer $parameter $block -InSyntax
        }

        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $script:CommandNamespace)
    foreach ($parameter in $Page.Parameters) {
        Write-MamlParameter $Writer $parameter $parameter.Blocks[0]
    }

    $Writer.WriteEndElement()

    foreach ($kind in @(
            @{ List = 'inputTypes'; Item = 'inputType'; Types = $Page.Inputs },
            @{ List = 'returnValues'; Item = 'returnValue'; Types = $Page.Outputs })) {
        $Writer.WriteStartElement('command', $kind.List, $script:CommandNamespace)
        foreach ($type in $kind.Types) {
            $Writer.WriteStartElement('command', $kind.Item, $script:CommandNamespace)
            Write-MamlType $Writer $type.Type
            Write-MamlDescription $Writer $type.Description
            $Writer.WriteEndElement()
        }

        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('maml', 'alertSet', $script:MamlNamespace)
    $Writer.WriteStartElement('maml', 'alert', $script:MamlNamespace)
    Write-MamlParagraph $Writer $Page.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $script:CommandNamespace)
    foreach ($example in $Page.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:CommandNamespace)
        $title = "---------- $($example.Title) ----------"
        $Writer.WriteElementString('maml', 'title', $script:MamlNamespace, $title)
        $Writer.WriteElementString('dev', 'code', $script:DevNamespace, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $script:DevNamespace)
        Write-MamlParagraph $Writer $example.Remarks
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:CommandNamespace)
    $online = $Page.FrontMatter['online version']
    $links = @()
    if ($online) {
        $links += [pscustomobject]@{ Text = 'Online Version:'; Uri = $online }
    }

    foreach ($link in $links + @($Page.RelatedLinks)) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:MamlNamespace)
        $Writer.WriteElementString('maml', 'linkText', $script:MamlNamespace, $link.Text)

        # Links between pages are for readers of the markdown; help keeps only web addresses, and an
        # empty uri element would make Get-Help offer -Online for a page that has none.
        if ($link.Uri -match '^https?://') {
            $Writer.WriteElementString('maml', 'uri', $script:MamlNamespace, $link.Uri)
        }

        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

function Format-AboutParagraph {
    # Wraps one paragraph to the about width with the given indents for the first and later lines.
    param([string] $Text, [int] $Indent, [int] $HangingIndent = $Indent)

    $lines = [System.Collections.Generic.List[string]]::new()
    $current = ' ' * $Indent
    $empty = $true
    foreach ($word in ($Text -split ' +' | Where-Object { $_ })) {
        if (-not $empty -and $current.Length + 1 + $word.Length -gt $script:AboutWidth) {
            $lines.Add($current)
            $current = (' ' * $HangingIndent) + $word
            continue
        }

        $current = if ($empty) { $current + $word } else { "$current $word" }
        $empty = $false
    }

    if (-not $empty) {
        $lines.Add($current)
    }

    $lines | ForEach-Object { $_.Replace([string][char]0xA0, ' ') }
}

function ConvertTo-AboutText {
    # The plain text Get-Help shows for an about page: headings in capitals, text indented and wrapped.
    param([string] $Path)

    $lines = @((Get-Content -LiteralPath $Path -Encoding utf8) -replace "`r$", '')
    $top = @(Split-MarkdownBlock -Lines $lines -Level 1 | Where-Object Heading)
    if ($top.Count -ne 1 -or $top[0].Heading -notmatch '^about_\w+$') {
        throw (New-PageError $Path 1 "an about page needs exactly one '# about_Topic' heading.")
    }

    $topic = $top[0].Heading
    $sections = @(Split-MarkdownBlock -Lines $top[0].Body -Level 2 -FirstLine ($top[0].Line + 1) |
            Where-Object Heading)
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if ($sections.Heading -notcontains $required) {
            throw (New-PageError $Path 0 "the about page has no '## $required' section.")
        }
    }

    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add("    $topic")
    foreach ($section in $sections) {
        $out.Add('')
        $out.Add($section.Heading.ToUpperInvariant())
        foreach ($part in Split-Subsection $section) {
            if ($null -ne $part.Heading) {
                $out.Add('')
                $out.Add("  $($part.Heading)")
            }

            # The first block follows its heading directly; items of one list follow each other.
            $previous = 'Heading'
            $markdown = ($part.Body -join "`n").Trim()
            $blocks = Split-MarkdownParagraph $markdown -KeepCodeTogether -TableWidth ($script:AboutWidth - 4)
            foreach ($block in $blocks) {
                if ($previous -ne 'Heading' -and -not ($block.Kind -eq 'Item' -and $previous -eq 'Item')) {
                    $out.Add('')
                }

                $previous = $block.Kind
                switch ($block.Kind) {
                    'Verbatim' {
                        foreach ($line in $block.Text -split "`n") {
                            $out.Add(("        $line").TrimEnd())
                        }
                    }
                    'Table' {
                        foreach ($line in $block.Text -split "`n") {
                            $out.Add(("    $line").TrimEnd())
                        }
                    }
                    'Item' {
                        $text = $block.Text -replace '^([-*])\s+', '- '
                        $hang = if ($text -match '^(\d+\.\s+)') { 4 + $Matches[1].Length } else { 6 }
                        foreach ($line in Format-AboutParagraph $text 4 $hang) {
                            $out.Add($line)
                        }
                    }
                    default {
                        foreach ($line in Format-AboutParagraph $block.Text 4) {
                            $out.Add($line)
                        }
                    }
                }
            }
        }
    }

    [pscustomobject]@{ Topic = $topic; Text = ($out -join "`n") + "`n" }
}

function ConvertTo-OpenImMaml {
    <#
    .SYNOPSIS
        Converts the help pages in a docs folder into MAML and about topics for Get-Help.

    .DESCRIPTION
        Reads every *.md in DocsPath. Pages with 'external help file' in their front matter are cmdlet
        pages; they are grouped by that file name and each group is written as one MAML file. Pages
        named about_*.md become <topic>.help.txt. Other markdown files are left alone. Output goes to
        OutputPath (created when missing), typically the module's en-US folder. Writes the FileInfo of
        every file it wrote.

    .EXAMPLE
        ConvertTo-OpenImMaml -DocsPath ./docs -OutputPath ./out/OpenIm/en-US
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory)] [string] $DocsPath,
        [Parameter(Mandatory)] [string] $OutputPath
    )

    $docs = (Resolve-Path -LiteralPath $DocsPath -ErrorAction Stop).Path
    New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
    $output = (Resolve-Path -LiteralPath $OutputPath).Path

    $cmdletPages = [System.Collections.Generic.List[object]]::new()
    foreach ($file in Get-ChildItem -LiteralPath $docs -Filter '*.md' -File | Sort-Object Name) {
        if ($file.Name -like 'about_*.md') {
            $about = ConvertTo-AboutText $file.FullName
            $target = Join-Path $output "$($about.Topic).help.txt"
            [System.IO.File]::WriteAllText($target, $about.Text, [System.Text.UTF8Encoding]::new($false))
            Get-Item -LiteralPath $target
            continue
        }

        $head = Get-Content -LiteralPath $file.FullName -TotalCount 10 -Encoding utf8
        if (($head -join "`n") -match '(?m)^external help file:') {
            $cmdletPages.Add((Read-OpenImHelpPage -Path $file.FullName))
        }
    }

    foreach ($group in $cmdletPages | Group-Object { $_.FrontMatter['external help file'] }) {
        # Written beside the target and moved over it when complete, so a failure leaves no torn file.
        $target = Join-Path $output $group.Name
        $partial = "$target.partial"
        $settings = [System.Xml.XmlWriterSettings]::new()
        $settings.Indent = $true
        $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
        $settings.NewLineChars = "`n"
        $writer = [System.Xml.XmlWriter]::Create($partial, $settings)
        $complete = $false
        try {
            $writer.WriteStartDocument()
            $writer.WriteStartElement('helpItems', 'http://msh')
            $writer.WriteAttributeString('schema', 'maml')
            foreach ($page in $group.Group | Sort-Object Name) {
                Write-MamlCommand $writer $page
            }

            $writer.WriteEndElement()
            $writer.WriteEndDocument()
            $complete = $true
        }
        finally {
            $writer.Dispose()
            if (-not $complete) {
                Remove-Item -LiteralPath $partial -ErrorAction Ignore
            }
        }

        Move-Item -LiteralPath $partial -Destination $target -Force
        Get-Item -LiteralPath $target
    }
}

Export-ModuleMember -Function ConvertTo-OpenImMaml, Read-OpenImHelpPage
