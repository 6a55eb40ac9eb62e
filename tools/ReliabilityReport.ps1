<#
.SYNOPSIS
    Writes docs/reliability.md, the reliability and security matrix, from a Pester NUnit result file.
.DESCRIPTION
    Reads the NUnit XML that a test run leaves in out/test-results.xml and turns every test under a
    Describe named "Reliability: <area>" into one row of that area's table. A test's title is
    "<row> => <outcome>": the row names the fault or input, the outcome is what the test asserts.
    A passed row shows that outcome as observed; a failed row shows the failure instead, and a
    skipped row its reason. Run it after 'build.ps1 Test'; it fails when the result file holds no
    reliability tests at all, so a filtered run cannot blank the page.
.PARAMETER ResultFile
    The NUnit XML result of a Pester run. Default: out/test-results.xml under the repository.
.PARAMETER OutputPath
    The Markdown file to write. Default: docs/reliability.md under the repository.
.EXAMPLE
    dotnet pwsh ./tools/ReliabilityReport.ps1 -ResultFile out/test-results.xml -OutputPath docs/reliability.md
#>
[CmdletBinding()]
param(
    [string] $ResultFile = (Join-Path $PSScriptRoot '../out/test-results.xml'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../docs/reliability.md')
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

# The areas in the order the page lists them, each with the sentence that opens its section.
$areas = [ordered]@{
    'registry faults' = 'One fault at a time in a lab stand-in (or, where the lab has no such fault, in a stand-in inside the test). Every row also checks that the settings file is untouched, and most that the other images of the same call still come out.'
    'engine faults'   = 'Faults of the Docker engine, from the real lab dockerds and from a stand-in engine on a unix socket. Every row also checks that an image already on each engine stays, with the same id.'
    'settings faults' = 'The settings file under concurrent writers and when it is corrupt.'
    'hostile input'   = 'A corpus of hostile values run through every cmdlet that takes them. Each value must get a clear error with its own ErrorId (never an exception type name), no output, no request to any registry (the lab''s request counters), no change to the settings file, and no raw control character in the message (a CR/LF in a value cannot forge a line).'
    'secrets'         = 'A full lab scenario against a private repository with credentials from -Credential, Docker''s config.json (auths and an identity token) and wrong passwords, every stream captured at every preference.'
    'transport'       = 'Which connections the module makes: https by default, plain http only to loopback or with -AllowHttp, and certificates nobody trusts refused by name.'
    'cancellation'    = 'Stop() on a [powershell] running the command, timed; where it can be seen, the work behind it stops too.'
}

function ConvertTo-Cell([string] $Text) {
    # One table cell: one line, pipes escaped, angle brackets kept from reading as HTML.
    ($Text -replace '\r?\n', ' ' -replace '\|', '\|' -replace '<', '&lt;' -replace '>', '&gt;').Trim()
}

function Split-Paragraph([string] $Text, [int] $Width = 110) {
    # A paragraph as lines of at most Width characters, broken between words.
    $line = ''
    foreach ($word in $Text -split '\s+') {
        if ($line -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $line
            $line = $word
        } else {
            $line = if ($line) { "$line $word" } else { $word }
        }
    }

    if ($line) { $line }
}

function Get-ReliabilityArea([System.Xml.XmlElement] $Case) {
    # The enclosing Describe named "Reliability: <area>"; parameterized tests sit one level deeper, in
    # a suite named "<Describe>.<title template>", which is skipped.
    for ($node = $Case.ParentNode; $node -is [System.Xml.XmlElement]; $node = $node.ParentNode) {
        if ($node.LocalName -eq 'test-suite' -and $node.GetAttribute('type') -ne 'ParameterizedTest' -and
            $node.GetAttribute('name') -match '^Reliability: (.+)$') {
            return $Matches[1]
        }
    }
}

$resolved = Resolve-Path -LiteralPath $ResultFile -ErrorAction SilentlyContinue
if (-not $resolved) {
    throw "The result file '$ResultFile' does not exist; run 'dotnet pwsh ./build.ps1 Test' first."
}

[xml] $document = Get-Content -LiteralPath $resolved -Raw
$rows = foreach ($case in $document.SelectNodes('//test-case')) {
    $area = Get-ReliabilityArea $case
    if (-not $area) { continue }

    $title = $case.GetAttribute('description')
    $row, $outcome = if ($title -match '^(.*?)\s*=>\s*(.*)$') { $Matches[1], $Matches[2] } else { $title, '' }
    $result = $case.GetAttribute('result')
    $status, $observed = switch ($result) {
        'Success' { 'Passed', $outcome }
        { $_ -in 'Failure', 'Error' } {
            $message = $case.SelectSingleNode('failure/message')
            'FAILED', ('expected: ' + $outcome + '; seen: ' + $(if ($message) { $message.InnerText } else { 'no message' }))
        }
        default {
            # Pester writes no reason for a skipped test; the title says why it may be skipped.
            $reason = $case.SelectSingleNode('reason/message')
            'Skipped', $(if ($reason) { $reason.InnerText } else { 'not observed: ' + $outcome })
        }
    }

    [pscustomobject]@{
        Area     = $area
        Row      = $row
        Observed = $observed
        Status   = $status
        Seconds  = [double]::Parse('0' + $case.GetAttribute('time'), [Globalization.CultureInfo]::InvariantCulture)
    }
}

if (-not $rows) {
    throw "The result file '$resolved' holds no 'Reliability: ...' tests; run the whole suite, not a filtered part."
}

$passed = @($rows | Where-Object Status -EQ Passed).Count
$failed = @($rows | Where-Object Status -EQ FAILED).Count
$skipped = @($rows | Where-Object Status -EQ Skipped).Count
$generated = $document.DocumentElement.GetAttribute('date') + ' ' + $document.DocumentElement.GetAttribute('time')
$lines = [Collections.Generic.List[string]]::new()
$lines.Add('# Reliability and security matrix')
$lines.Add('')
$intro = 'Generated by `tools/ReliabilityReport.ps1` from the test run of ' + $generated + ' (' +
    (Split-Path -Leaf $resolved) + '); do not edit it by hand. Each row is a Pester test in `tests/Pester` ' +
    '(Faults, HostileInput, Secrets, Transport, Cancellation) whose title reads "row => outcome". "Observed outcome" ' +
    'is that outcome as the test asserted and saw it; a failed row shows what was seen instead, a skipped row why.'
Split-Paragraph $intro | ForEach-Object { $lines.Add($_) }
$lines.Add('')
$lines.Add("**$(@($rows).Count) rows: $passed passed, $failed failed, $skipped skipped.**")

$known = [string[]] $areas.Keys
$ordered = @($known) + @($rows.Area | Select-Object -Unique | Where-Object { $_ -notin $known })
foreach ($area in $ordered) {
    $inArea = @($rows | Where-Object Area -EQ $area)
    if (-not $inArea) { continue }

    $lines.Add('')
    $lines.Add('## ' + $area.Substring(0, 1).ToUpperInvariant() + $area.Substring(1))
    $lines.Add('')
    if ($areas.Contains($area)) {
        Split-Paragraph $areas[$area] | ForEach-Object { $lines.Add($_) }
        $lines.Add('')
    }

    $lines.Add('| Row | Observed outcome | Result | Time |')
    $lines.Add('|---|---|---|---|')
    foreach ($row in $inArea) {
        $time = $row.Seconds.ToString('0.00', [Globalization.CultureInfo]::InvariantCulture) + ' s'
        $lines.Add("| $(ConvertTo-Cell $row.Row) | $(ConvertTo-Cell $row.Observed) | $($row.Status) | $time |")
    }
}

$folder = Split-Path -Parent $OutputPath
if ($folder -and -not (Test-Path -LiteralPath $folder)) {
    New-Item -ItemType Directory -Path $folder | Out-Null
}

Set-Content -LiteralPath $OutputPath -Value $lines -Encoding utf8NoBOM
Write-Verbose "Wrote $(@($rows).Count) rows to $OutputPath."
