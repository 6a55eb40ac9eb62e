# Unit tests of the tag grammar: classification of OpenIM's real tags, OpenIM version order,
# version ranges, platforms, and the OCI syntax checks for tags, repository names and digests.
# The tag tables come from the tags OpenIM's CI published (see openim-tags.md in the design notes).

BeforeDiscovery {
    # Titles must stay on one line, so control and non-ASCII characters are shown as \uXXXX.
    function Format-TestName([string] $Text) {
        if ($null -eq $Text) { return '(null)' }
        if ($Text.Length -eq 0) { return '(empty)' }
        $shown = -join ($Text.ToCharArray() | Select-Object -First 40 | ForEach-Object {
            if ($_ -lt [char]0x20 -or $_ -gt [char]0x7E) { '\u{0:x4}' -f [int]$_ } else { [string]$_ }
        })
        if ($Text.Length -gt 40) { $shown += "... ($($Text.Length) chars)" }
        $shown
    }

    $cyrillicO = "`u{043E}"
    $hex40 = '0123456789abcdef0123456789abcdef01234567'

    # Tag, channel, form, normalized version ($null when none), pre-release, rolling.
    $classifyRows = @(
        # Server stable releases and OpenIM's -patch.N fixes, which come after the release.
        , @('v3.0.0', 'Version', 'Version', '3.0.0', $false, $false)
        , @('v3.4.2', 'Version', 'Version', '3.4.2', $false, $false)
        , @('v3.8.3', 'Version', 'Version', '3.8.3', $false, $false)
        , @('v3.8.3-patch.1', 'Version', 'Version', '3.8.3-patch.1', $false, $false)
        , @('v3.8.3-patch.15', 'Version', 'Version', '3.8.3-patch.15', $false, $false)
        , @('v3.8.3-patch.16', 'Version', 'Version', '3.8.3-patch.16', $false, $false)
        # Docker Hub's spelling without the v.
        , @('3.2.0', 'Version', 'BareVersion', '3.2.0', $false, $false)
        , @('3.8.3-patch.12', 'Version', 'BareVersion', '3.8.3-patch.12', $false, $false)
        # Server pre-releases, typos included.
        , @('v3.5.0-beta.1', 'Version', 'Version', '3.5.0-beta.1', $true, $false)
        , @('v3.5.0-rc.0', 'Version', 'Version', '3.5.0-rc.0', $true, $false)
        , @('v3.5.0-rc.8', 'Version', 'Version', '3.5.0-rc.8', $true, $false)
        , @('v3.8.1-rc.4', 'Version', 'Version', '3.8.1-rc.4', $true, $false)
        , @('v3.8.2-alpha.2', 'Version', 'Version', '3.8.2-alpha.2', $true, $false)
        , @('v3.8.4-alpha.1', 'Version', 'Version', '3.8.4-alpha.1', $true, $false)
        , @('v3.3.3-bate.4', 'Version', 'Version', '3.3.3-beta.4', $true, $false)
        , @('v3.5.1-bate.1', 'Version', 'Version', '3.5.1-beta.1', $true, $false)
        , @('3.5.0-rc.3', 'Version', 'BareVersion', '3.5.0-rc.3', $true, $false)
        # Chat releases and its odd pre-release spellings.
        , @('v1.0.0', 'Version', 'Version', '1.0.0', $false, $false)
        , @('v1.8.4', 'Version', 'Version', '1.8.4', $false, $false)
        , @('v1.8.4-patch.5', 'Version', 'Version', '1.8.4-patch.5', $false, $false)
        , @('v1.3.0.rc.0', 'Version', 'Version', '1.3.0-rc.0', $true, $false)
        , @('v1.3.1.beta.0', 'Version', 'Version', '1.3.1-beta.0', $true, $false)
        , @('v1.4.0.beta.0', 'Version', 'Version', '1.4.0-beta.0', $true, $false)
        , @('v1.5.0-bate.0', 'Version', 'Version', '1.5.0-beta.0', $true, $false)
        , @('v1.5.0-rc.6', 'Version', 'Version', '1.5.0-rc.6', $true, $false)
        # Labels this module does not know are still pre-releases.
        , @('v3.8.3-dev.1', 'Version', 'Version', '3.8.3-dev.1', $true, $false)
        , @('v3.8.3-rc', 'Version', 'Version', '3.8.3-rc', $true, $false)
        # Release branches, of the server, chat, web-front and admin-front.
        , @('release-v3.0', 'Release', 'ReleaseBranch', '3.0', $false, $true)
        , @('release-v3.8', 'Release', 'ReleaseBranch', '3.8', $false, $true)
        , @('release-v3.8.1', 'Release', 'ReleaseBranch', '3.8.1', $false, $true)
        , @('release-v3.8.3', 'Release', 'ReleaseBranch', '3.8.3', $false, $true)
        , @('release-v3.5.1', 'Release', 'ReleaseBranch', '3.5.1', $false, $true)
        , @('release-v1.7', 'Release', 'ReleaseBranch', '1.7', $false, $true)
        , @('release-v1.8.4', 'Release', 'ReleaseBranch', '1.8.4', $false, $true)
        , @('release-v1.8.4-patch.2', 'Release', 'ReleaseBranch', '1.8.4-patch.2', $false, $true)
        # The other published forms.
        , @('3.8', 'Other', 'MajorMinor', '3.8', $false, $true)
        , @('1.8', 'Other', 'MajorMinor', '1.8', $false, $true)
        , @('v3.8', 'Other', 'MajorMinor', '3.8', $false, $true)
        , @('3', 'Other', 'Major', $null, $false, $true)
        , @('v3', 'Other', 'Major', $null, $false, $true)
        , @('sha-1a2b3c4', 'Other', 'Sha', $null, $false, $false)
        , @("sha-$hex40", 'Other', 'Sha', $null, $false, $false)
        , @('nightly', 'Other', 'Nightly', $null, $false, $true)
        , @('pr-123', 'Other', 'PullRequest', $null, $false, $true)
        , @('latest', 'Latest', 'Latest', $null, $false, $true)
        , @('main', 'Main', 'Main', $null, $false, $true)
        # Case matters: registries keep Latest and latest apart, and CI only moves lowercase tags.
        , @('Latest', 'Other', 'Unknown', $null, $false, $true)
        , @('MAIN', 'Other', 'Unknown', $null, $false, $true)
        , @('V3.8.3', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3-RC.1', 'Other', 'Unknown', $null, $false, $true)
        , @('sha-ABC1234', 'Other', 'Unknown', $null, $false, $true)
        # Near misses of the known forms.
        , @('release-3.8', 'Other', 'Unknown', $null, $false, $true)
        , @('release-vv3.8', 'Other', 'Unknown', $null, $false, $true)
        , @('release-v3', 'Other', 'Unknown', $null, $false, $true)
        , @('release-v3.8.3-', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3-patch', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3-patch.1.2', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3.patch.1', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3-rc.1-patch.1', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3--rc.1', 'Other', 'Unknown', $null, $false, $true)
        , @('v3.08.0', 'Other', 'Unknown', $null, $false, $true)
        , @('3.8.3.4', 'Other', 'Unknown', $null, $false, $true)
        , @('v99999999999.0.0', 'Other', 'Unknown', $null, $false, $true)
        , @('sha-abc12', 'Other', 'Unknown', $null, $false, $true)
        , @('sha-xyz1234', 'Other', 'Unknown', $null, $false, $true)
        , @("sha-${hex40}8", 'Other', 'Unknown', $null, $false, $true)
        , @('pr-', 'Other', 'Unknown', $null, $false, $true)
        , @('pr-abc', 'Other', 'Unknown', $null, $false, $true)
        , @('stable', 'Other', 'Unknown', $null, $false, $true)
        # Strings that are not OCI tags at all.
        , @('', 'Other', 'Unknown', $null, $false, $true)
        , @('-v3.8.3', 'Other', 'Unknown', $null, $false, $true)
        , @(' v3.8.3', 'Other', 'Unknown', $null, $false, $true)
        , @("v3.8.3`n", 'Other', 'Unknown', $null, $false, $true)
        , @("latest`r`n", 'Other', 'Unknown', $null, $false, $true)
        , @('v3.8.3+build.1', 'Other', 'Unknown', $null, $false, $true)
        , @("${cyrillicO}penim", 'Other', 'Unknown', $null, $false, $true)
        , @("v3.8.3-rc.`u{0661}", 'Other', 'Unknown', $null, $false, $true)
        , @(('v3.8.3-' + ('a' * 130)), 'Other', 'Unknown', $null, $false, $true)
    )
    $ClassifyCases = foreach ($row in $classifyRows) {
        @{
            Name = Format-TestName $row[0]; Tag = $row[0]; Channel = $row[1]; Form = $row[2]
            Version = $row[3]; Pre = $row[4]; Rolling = $row[5]
        }
    }

    # Version text, normalized form, major, minor, build, label, pre-release number, patch number.
    $parseRows = @(
        , @('3.8', '3.8', 3, 8, $null, $null, $null, $null)
        , @('v3.8.3', '3.8.3', 3, 8, 3, $null, $null, $null)
        , @('V3.8.3', '3.8.3', 3, 8, 3, $null, $null, $null)
        , @('v3.8.3-patch.2', '3.8.3-patch.2', 3, 8, 3, $null, $null, 2)
        , @('3.5.0-rc.8', '3.5.0-rc.8', 3, 5, 0, 'rc', 8, $null)
        , @('v3.3.3-bate.4', '3.3.3-beta.4', 3, 3, 3, 'beta', 4, $null)
        , @('v1.3.0.rc.0', '1.3.0-rc.0', 1, 3, 0, 'rc', 0, $null)
        , @('v1.3.1.beta.0', '1.3.1-beta.0', 1, 3, 1, 'beta', 0, $null)
        , @('v3.8.3-RC.1', '3.8.3-rc.1', 3, 8, 3, 'rc', 1, $null)
        , @('3.8.3-Alpha', '3.8.3-alpha', 3, 8, 3, 'alpha', $null, $null)
        , @('3.8.3-dev2.10', '3.8.3-dev2.10', 3, 8, 3, 'dev2', 10, $null)
        , @('0.0.0', '0.0.0', 0, 0, 0, $null, $null, $null)
        , @('2147483647.1.0', '2147483647.1.0', 2147483647, 1, 0, $null, $null, $null)
    )
    $ParseCases = foreach ($row in $parseRows) {
        @{
            Text = $row[0]; Normal = $row[1]; Major = $row[2]; Minor = $row[3]; Build = $row[4]
            Label = $row[5]; Number = $row[6]; Patch = $row[7]
        }
    }

    $BadVersionCases = @(
        '', 'v', '3', 'v3', '3.', '3.8.', '3..8', '.3.8', '3.8.3.4', '3.8.3-', '3.8.3-.1', '3.8.3-patch',
        '3.8.3-patch.x', '3.8.3.patch.1', '3.8.3.dev.1', '3.8.3.rc', '3.8.3-rc.1-patch.1', '3.8.3-rc.1.2',
        '3.08.3', '03.8.3', '3.8.3-rc.01', '3.8.3-1', '3.8.3-rc.-1', '2147483648.0.0', '99999999999.0.0',
        'vv3.8.3', ' 3.8.3', '3.8.3 ', "3.8.3`n", "3.8.3`r`n", "3`n.8.3", 'release-v3.8', 'latest',
        '3.8.3+build', '3.8.3-r_c.1', "3.8.3-rc.`u{0661}", "3.`u{0668}.3", "3.8.3-b`u{0435}ta.1", ('9' * 300)
    ) | ForEach-Object { @{ Name = Format-TestName $_; Text = $_ } }

    # Pairs whose order is OpenIM's rather than SemVer's or string order.
    $OrderPairs = @(
        @{ Older = '3.8'; Newer = '3.8.0-alpha.1'; Why = 'a line sorts before its first pre-release' }
        @{ Older = '3.8'; Newer = '3.8.0'; Why = 'a line sorts before its first release' }
        @{ Older = '3.8.0'; Newer = '3.8.3'; Why = 'build numbers' }
        @{ Older = '3.8.3'; Newer = '3.8.3-patch.1'; Why = 'a patch comes after its release' }
        @{ Older = '3.8.3-patch.1'; Newer = '3.8.3-patch.2'; Why = 'patch numbers' }
        @{ Older = '3.8.3-patch.9'; Newer = '3.8.3-patch.10'; Why = 'patch numbers are numeric' }
        @{ Older = '3.8.3-patch.16'; Newer = '3.8.4-alpha.1'; Why = 'the next build beats any patch' }
        @{ Older = '3.8.3-patch.16'; Newer = '3.9'; Why = 'the next line beats any patch' }
        @{ Older = '3.9'; Newer = '3.9.0-alpha.1'; Why = 'a line sorts before its pre-releases' }
        @{ Older = '3.9.0'; Newer = '3.10.0'; Why = 'minor numbers are numeric' }
        @{ Older = '2.99.99-patch.9'; Newer = '3.0'; Why = 'major numbers first' }
        @{ Older = '3.8.3-rc.9'; Newer = '3.8.3'; Why = 'a pre-release comes before its release' }
        @{ Older = '3.5.0-rc.8'; Newer = '3.5.0-rc.10'; Why = 'pre-release numbers are numeric' }
        @{ Older = '3.8.3-alpha.3'; Newer = '3.8.3-beta.1'; Why = 'alpha before beta' }
        @{ Older = '3.8.3-beta.9'; Newer = '3.8.3-rc.0'; Why = 'beta before rc' }
        @{ Older = '3.8.3-dev.9'; Newer = '3.8.3-alpha.0'; Why = 'unknown labels before alpha' }
        @{ Older = '3.8.3-dev.9'; Newer = '3.8.3-nightly.0'; Why = 'unknown labels by ordinal' }
        @{ Older = '3.8.3-rc'; Newer = '3.8.3-rc.0'; Why = 'no number before number 0' }
        @{ Older = '1.5.0-bate.0'; Newer = '1.5.0-rc.0'; Why = 'the bate typo is a beta' }
        @{ Older = '1.3.0.rc.0'; Newer = '1.3.0'; Why = 'the dotted rc is a pre-release' }
        @{ Older = '1.3.0'; Newer = '1.3.1.beta.0'; Why = 'the dotted beta belongs to the next build' }
    )

    $EqualPairs = @(
        @{ Left = 'v3.3.3-bate.4'; Right = '3.3.3-beta.4' }
        @{ Left = 'V3.8.3'; Right = '3.8.3' }
        @{ Left = 'v1.3.0.rc.0'; Right = '1.3.0-rc.0' }
        @{ Left = '3.8.3-PATCH.2'; Right = 'v3.8.3-patch.2' }
    )

    $UnequalPairs = @(
        @{ Left = '3.8'; Right = '3.8.0' }
        @{ Left = '3.8.3'; Right = '3.8.3-patch.1' }
        @{ Left = '3.8.3-rc'; Right = '3.8.3-rc.0' }
        @{ Left = '3.8.3-alpha.1'; Right = '3.8.3-beta.1' }
        @{ Left = '3.8.3-patch.1'; Right = '3.8.3-patch.2' }
    )

    # Newest first, as the comparer must order them; the tests feed them in shuffled.
    $ServerOrder = @(
        'v3.8.4-alpha.1', 'v3.8.3-patch.16', 'v3.8.3-patch.15', 'v3.8.3-patch.12', 'v3.8.3-patch.2',
        'v3.8.3-patch.1', 'v3.8.3', '3.8.3', 'v3.8.3-alpha.3', 'v3.8.3-alpha.1', 'v3.8.2', 'v3.8.2-alpha.2',
        'v3.8.1', 'v3.8.1-rc.4', 'v3.8.1-rc.1', 'v3.8.0', 'v3.8.0-rc.1', 'v3.8.0-rc.0', 'v3.7.1', 'v3.7.0',
        'v3.6.0', 'v3.5.1', 'v3.5.1-bate.1', 'v3.5.0', 'v3.5.0-rc.8', 'v3.5.0-rc.2', 'v3.5.0-rc.0',
        'v3.5.0-beta.1', 'v3.4.2', 'v3.4.0', 'v3.3.3-bate.4', 'v3.3.2', 'v3.2.0', '3.2.0', 'v3.0.0'
    )
    $ChatOrder = @(
        'v1.8.4-patch.5', 'v1.8.4-patch.1', 'v1.8.4', 'v1.8.3', 'v1.5.0', 'v1.5.0-rc.6', 'v1.5.0-rc.0',
        'v1.5.0-bate.0', 'v1.4.1', 'v1.4.0', 'v1.4.0.beta.0', 'v1.3.1.beta.0', 'v1.3.0', 'v1.3.0.rc.0',
        'v1.0.0'
    )
    $ReleaseOrder = @(
        'release-v3.8.3', 'release-v3.8.2', 'release-v3.8.1', 'release-v3.8', 'release-v3.7',
        'release-v3.0', 'release-v1.8.4-patch.2', 'release-v1.8.4', 'release-v1.8.3', 'release-v1.8.2',
        'release-v1.8.0', 'release-v1.7'
    )
    # Tags with a version first, then the rest by form and ordinal.
    $MixedOrder = @(
        'release-v3.8.3', 'v3.8.3', '3.8.3', '3.8', 'main', '3', 'latest', 'sha-1a2b3c4', 'nightly', 'pr-7',
        'Latest', 'junk'
    )
    $SortCases = foreach ($seed in 1, 2, 3) {
        @{ List = 'server'; Seed = $seed; Expected = $ServerOrder }
        @{ List = 'chat'; Seed = $seed; Expected = $ChatOrder }
        @{ List = 'release'; Seed = $seed; Expected = $ReleaseOrder }
        @{ List = 'mixed'; Seed = $seed; Expected = $MixedOrder }
    }

    $serverTags = @(
        'main', 'latest', 'nightly', 'release-v3.8', 'release-v3.8.2', 'release-v3.8.3', 'release-v3.7',
        'v3.8.3', '3.8.3', 'v3.8.3-patch.15', '3.8.3-patch.15', 'v3.8.4-alpha.1', 'v3.8.3-alpha.3', '3.8', '3',
        'sha-1a2b3c4'
    )
    $HeadCases = @(
        @{ Channel = 'Version'; Pre = $false; Expected = 'v3.8.3-patch.15'; Tags = $serverTags }
        @{ Channel = 'Version'; Pre = $true; Expected = 'v3.8.4-alpha.1'; Tags = $serverTags }
        @{ Channel = 'Release'; Pre = $false; Expected = 'release-v3.8.3'; Tags = $serverTags }
        @{ Channel = 'Main'; Pre = $false; Expected = 'main'; Tags = $serverTags }
        @{ Channel = 'Latest'; Pre = $false; Expected = 'latest'; Tags = $serverTags }
        @{ Channel = 'Version'; Pre = $false; Expected = 'v3.2.0'; Tags = @('3.2.0', 'v3.2.0', 'v3.2.0-rc.1') }
        @{ Channel = 'Version'; Pre = $false; Expected = '3.2.0'; Tags = @('3.2.0', 'v3.1.0', 'latest') }
        @{
            Channel = 'Release'; Pre = $false; Expected = 'release-v1.8.4-patch.2'
            Tags = @('release-v1.7', 'release-v1.8.4', 'release-v1.8.4-patch.2')
        }
        @{ Channel = 'Version'; Pre = $false; Expected = $null; Tags = @('v3.8.4-alpha.1', 'main', 'release-v3.8') }
        @{ Channel = 'Main'; Pre = $true; Expected = $null; Tags = @('v3.8.3', 'latest') }
    )

    # Range, versions it contains, versions it does not.
    $rangeRows = @(
        , @('3.8.3', @('3.8.3', 'v3.8.3'), @('3.8.3-patch.1', '3.8.3-rc.1', '3.8.4', '3.8', '3.8.2'))
        , @('v3.8.3-patch.2', @('3.8.3-patch.2'), @('3.8.3-patch.1', '3.8.3-patch.3', '3.8.3'))
        , @('3.8', @('3.8', '3.8.0-rc.0', '3.8.0', '3.8.3-patch.16', '3.8.4-alpha.1'),
            @('3.7.1', '3.9', '3.9.0', '1.8.4'))
        , @('3.8.*', @('3.8', '3.8.0-rc.0', '3.8.3-patch.16'), @('3.7.1', '3.9.0', '3.80.0'))
        , @('v3.8.*', @('3.8.3'), @('3.9.0'))
        , @('3.*', @('3.0', '3.0.0', '3.8.3-patch.16', '3.0.0-rc.1'), @('1.8.4', '4.0.0', '2.99.0'))
        , @('3.8.3.*', @('3.8.3-alpha.1', '3.8.3', '3.8.3-patch.16'), @('3.8.4-alpha.1', '3.8.2', '3.8'))
        , @('*', @('1.0.0', '3.8', '3.8.3-rc.1'), @())
        , @('[3.7,3.9)', @('3.7', '3.7.0-rc.0', '3.7.0', '3.8', '3.8.3-patch.16'),
            @('3.9', '3.9.0-alpha.1', '3.9.0', '3.6.0'))
        , @('[3.7.0,3.9.0)', @('3.7.0', '3.9.0-alpha.1'), @('3.7.0-rc.1', '3.7', '3.9.0'))
        , @('(3.7,]', @('3.7.0-rc.0', '3.7.0', '3.8.3'), @('3.7', '3.6.0'))
        , @('(3.7,)', @('3.7.0', '99.0.0'), @('3.7'))
        , @('[3.8.3]', @('3.8.3'), @('3.8.3-patch.1', '3.8.3-rc.1'))
        , @('[3.8]', @('3.8'), @('3.8.0', '3.8.3'))
        , @('(,3.9)', @('1.0.0', '3.8.3-patch.16', '3.8'), @('3.9', '3.9.0'))
        , @('(,3.9.0]', @('3.9.0'), @('3.9.0-patch.1'))
        , @('(3.8.3,3.8.3-patch.5]', @('3.8.3-patch.1', '3.8.3-patch.5'), @('3.8.3', '3.8.3-patch.6'))
        , @('[ 3.7 , 3.9 )', @('3.8.0'), @('3.9.0'))
        , @(' 3.8.3 ', @('3.8.3'), @('3.8.3-patch.1'))
    )
    $ContainsCases = foreach ($row in $rangeRows) {
        foreach ($v in $row[1]) { @{ Range = $row[0]; Version = $v; Expected = $true } }
        foreach ($v in $row[2]) { @{ Range = $row[0]; Version = $v; Expected = $false } }
    }

    $RangeShapeCases = @(
        @{ Text = '3.8.3'; Kind = 'Exact'; Shown = '3.8.3' }
        @{ Text = 'v3.8.3-patch.2'; Kind = 'Exact'; Shown = '3.8.3-patch.2' }
        @{ Text = '[3.8.3]'; Kind = 'Exact'; Shown = '3.8.3' }
        @{ Text = '[3.8]'; Kind = 'Exact'; Shown = '[3.8]' }
        @{ Text = '3.8'; Kind = 'Line'; Shown = '3.8.*' }
        @{ Text = 'v3.8.*'; Kind = 'Line'; Shown = '3.8.*' }
        @{ Text = '3.*'; Kind = 'Line'; Shown = '3.*' }
        @{ Text = '3.8.3.*'; Kind = 'Line'; Shown = '3.8.3.*' }
        @{ Text = '*'; Kind = 'Any'; Shown = '*' }
        @{ Text = '[3.7,3.9)'; Kind = 'Interval'; Shown = '[3.7, 3.9)' }
        @{ Text = '(3.7,]'; Kind = 'Interval'; Shown = '(3.7, )' }
        @{ Text = '(,3.9)'; Kind = 'Interval'; Shown = '(, 3.9)' }
        @{ Text = '[,v3.9.0-rc.1]'; Kind = 'Interval'; Shown = '(, 3.9.0-rc.1]' }
        @{ Text = '[3.8.3,3.8.3]'; Kind = 'Interval'; Shown = '[3.8.3, 3.8.3]' }
    )

    $BadRangeCases = @(
        '', ' ', '3', 'v3', 'abc', 'x.*', '**', '3.*.*', '3.8.*.*', '3.*.3', '3.8.3.4.*', '3.8.3-patch.*',
        '[3.9,3.7]', '(3.8.3,3.8.3)', '[3.8.3,3.8.3)', '(3.8.3,3.8.3]', '(,)', '[,]', '[]', '()',
        '[3.7,3.8,3.9]', '[3.7', '3.7]', '(3.8.3)', '(3.8.3]', '[3.8.3)', '[3.7;3.9)', '[3.7,x)',
        '>=3.7', '3.7 - 3.9', '~3.8', '^3.8', "3.8`n", "`t3.8", "[3.7,`n3.9)", "3.`u{0668}.*",
        ('[' + ('9' * 300) + ',]')
    ) | ForEach-Object { @{ Name = Format-TestName $_; Text = $_ } }

    # Platform text, normalized text, OS, architecture, variant, attestation.
    $platformRows = @(
        , @('linux/amd64', 'linux/amd64', 'linux', 'amd64', $null, $false)
        , @('linux/arm64', 'linux/arm64', 'linux', 'arm64', $null, $false)
        , @('linux/arm64/v8', 'linux/arm64', 'linux', 'arm64', $null, $false)
        , @('linux/aarch64', 'linux/arm64', 'linux', 'arm64', $null, $false)
        , @('linux/x86_64', 'linux/amd64', 'linux', 'amd64', $null, $false)
        , @('linux/X86-64', 'linux/amd64', 'linux', 'amd64', $null, $false)
        , @('linux/amd64/v1', 'linux/amd64', 'linux', 'amd64', $null, $false)
        , @('linux/amd64/v3', 'linux/amd64/v3', 'linux', 'amd64', 'v3', $false)
        , @('linux/arm/v7', 'linux/arm/v7', 'linux', 'arm', 'v7', $false)
        , @('linux/i386', 'linux/386', 'linux', '386', $null, $false)
        , @('LINUX/AMD64', 'linux/amd64', 'linux', 'amd64', $null, $false)
        , @('Linux/ARM64/V8', 'linux/arm64', 'linux', 'arm64', $null, $false)
        , @('windows/amd64', 'windows/amd64', 'windows', 'amd64', $null, $false)
        , @('linux/riscv64', 'linux/riscv64', 'linux', 'riscv64', $null, $false)
        , @('linux/s390x', 'linux/s390x', 'linux', 's390x', $null, $false)
        , @('unknown/unknown', 'unknown/unknown', 'unknown', 'unknown', $null, $true)
        , @((('a' * 32) + '/amd64'), (('a' * 32) + '/amd64'), ('a' * 32), 'amd64', $null, $false)
    )
    $PlatformCases = foreach ($row in $platformRows) {
        @{ Text = $row[0]; Shown = $row[1]; OS = $row[2]; Arch = $row[3]; Variant = $row[4]; Attest = $row[5] }
    }

    $BadPlatformCases = @(
        '', 'linux', 'linux/', '/amd64', '/', '//', 'linux//amd64', 'linux/arm64/v8/x', 'linux/amd64/',
        '../x', 'linux/../amd64', './amd64', 'linux\amd64', 'linux/am_d64', 'linux/x86_64x', 'linux/x86_64/',
        'linux/amd64:v1', ' linux/amd64', 'linux/amd64 ', 'linux /amd64', "linux/amd64`n", "linux/amd64`r",
        "linux`r`n/amd64", "linux/amd64`0", "linux/`u{0430}md64", "l`u{0131}nux/amd64", "linux/arm`u{FF16}`u{FF14}",
        "linux/`u{212A}8s", (('a' * 33) + '/amd64'), ('linux/' + ('a' * 294)), ('a' * 300)
    ) | ForEach-Object { @{ Name = Format-TestName $_; Text = $_ } }

    $MatchCases = @(
        @{ Spec = 'linux/arm64'; OS = 'linux'; Arch = 'arm64'; Variant = 'v8'; Expected = $true }
        @{ Spec = 'linux/arm64'; OS = 'linux'; Arch = 'arm64'; Variant = ''; Expected = $true }
        @{ Spec = 'linux/arm64'; OS = 'linux'; Arch = 'arm64'; Variant = $null; Expected = $true }
        @{ Spec = 'linux/arm64'; OS = 'linux'; Arch = 'aarch64'; Variant = $null; Expected = $true }
        @{ Spec = 'linux/arm64/v8'; OS = 'linux'; Arch = 'arm64'; Variant = $null; Expected = $true }
        @{ Spec = 'linux/arm64'; OS = 'linux'; Arch = 'amd64'; Variant = $null; Expected = $false }
        @{ Spec = 'linux/arm64'; OS = 'windows'; Arch = 'arm64'; Variant = $null; Expected = $false }
        @{ Spec = 'linux/arm64'; OS = 'unknown'; Arch = 'unknown'; Variant = $null; Expected = $false }
        @{ Spec = 'linux/amd64'; OS = 'Linux'; Arch = 'x86_64'; Variant = ''; Expected = $true }
        @{ Spec = 'linux/amd64'; OS = "linux`n"; Arch = 'amd64'; Variant = $null; Expected = $false }
        @{ Spec = 'linux/amd64'; OS = 'linux'; Arch = "amd64`r"; Variant = $null; Expected = $false }
        @{ Spec = 'linux/amd64'; OS = $null; Arch = $null; Variant = $null; Expected = $false }
        @{ Spec = 'linux/arm/v7'; OS = 'linux'; Arch = 'arm'; Variant = 'v7'; Expected = $true }
        @{ Spec = 'linux/arm/v7'; OS = 'linux'; Arch = 'arm'; Variant = 'v6'; Expected = $false }
        @{ Spec = 'linux/arm/v7'; OS = 'linux'; Arch = 'arm'; Variant = $null; Expected = $false }
        @{ Spec = 'linux/arm'; OS = 'linux'; Arch = 'arm'; Variant = 'v6'; Expected = $true }
        @{ Spec = 'linux/amd64'; OS = 'linux'; Arch = "`u{0430}md64"; Variant = $null; Expected = $false }
    )

    $hex64 = 'f3b1c5d2e4a69788' * 4
    $hex128 = $hex64 + $hex64
    $TagValidityCases = @(
        @{ Text = 'v3.8.3'; Valid = $true }
        @{ Text = 'release-v1.8.4-patch.2'; Valid = $true }
        @{ Text = 'Latest'; Valid = $true }
        @{ Text = '_build'; Valid = $true }
        @{ Text = 'a'; Valid = $true }
        @{ Text = 'a' * 128; Valid = $true }
        @{ Text = 'a' * 129; Valid = $false }
        @{ Text = ''; Valid = $false }
        @{ Text = '-v3'; Valid = $false }
        @{ Text = '.v3'; Valid = $false }
        @{ Text = 'v3..8'; Valid = $true }
        @{ Text = "v3.8.3`n"; Valid = $false }
        @{ Text = "v3`r`n8"; Valid = $false }
        @{ Text = 'v3.8.3 '; Valid = $false }
        @{ Text = 'v3:8'; Valid = $false }
        @{ Text = 'v3/8'; Valid = $false }
        @{ Text = 'v3.8.3+1'; Valid = $false }
        @{ Text = "${cyrillicO}penim"; Valid = $false }
        @{ Text = "`u{FF56}3.8.3"; Valid = $false }
        @{ Text = "v3.8`u{00A0}"; Valid = $false }
        @{ Text = "`t"; Valid = $false }
        @{ Text = "v3`0"; Valid = $false }
    ) | ForEach-Object { $_.Name = Format-TestName $_.Text; $_ }

    $NameValidityCases = @(
        @{ Text = 'openimsdk/openim-server'; Valid = $true }
        @{ Text = 'openim/openim-chat'; Valid = $true }
        @{ Text = 'openim-admin-front'; Valid = $true }
        @{ Text = 'a/b/c'; Valid = $true }
        @{ Text = 'a__b'; Valid = $true }
        @{ Text = 'a--b'; Valid = $true }
        @{ Text = 'a_b.c-d9'; Valid = $true }
        @{ Text = 'x' * 255; Valid = $true }
        @{ Text = 'x' * 256; Valid = $false }
        @{ Text = ('abc/' * 64) + 'x'; Valid = $false }
        @{ Text = ''; Valid = $false }
        @{ Text = 'OpenIMSDK/openim-server'; Valid = $false }
        @{ Text = 'openimsdk//openim-server'; Valid = $false }
        @{ Text = '/openim-server'; Valid = $false }
        @{ Text = 'openim-server/'; Valid = $false }
        @{ Text = '../openim-server'; Valid = $false }
        @{ Text = 'openimsdk/../etc'; Valid = $false }
        @{ Text = 'a..b'; Valid = $false }
        @{ Text = 'a___b'; Valid = $false }
        @{ Text = 'a._b'; Valid = $false }
        @{ Text = '-a'; Valid = $false }
        @{ Text = 'a-'; Valid = $false }
        @{ Text = '_a'; Valid = $false }
        @{ Text = 'a.'; Valid = $false }
        @{ Text = "${cyrillicO}penimsdk/openim-server"; Valid = $false }
        @{ Text = "openimsdk/openim-server`n"; Valid = $false }
        @{ Text = "openimsdk`r`n/openim-server"; Valid = $false }
        @{ Text = 'openimsdk/openim server'; Valid = $false }
        @{ Text = 'ghcr.io:443/openimsdk/openim-server'; Valid = $false }
        @{ Text = 'openimsdk/openim-server:v3.8.3'; Valid = $false }
        @{ Text = "openimsdk/openim-server@sha256:$hex64"; Valid = $false }
        @{ Text = 'openimsdk\openim-server'; Valid = $false }
    ) | ForEach-Object { $_.Name = Format-TestName $_.Text; $_ }

    $DigestValidityCases = @(
        @{ Text = "sha256:$hex64"; Valid = $true }
        @{ Text = "sha512:$hex128"; Valid = $true }
        @{ Text = 'sha256:' + $hex64.Substring(1); Valid = $false }
        @{ Text = "sha256:${hex64}0"; Valid = $false }
        @{ Text = 'sha256:' + $hex64.ToUpperInvariant(); Valid = $false }
        @{ Text = "SHA256:$hex64"; Valid = $false }
        @{ Text = 'sha256:' + ('g' * 64); Valid = $false }
        @{ Text = 'sha384:' + $hex64 + $hex64.Substring(0, 32); Valid = $false }
        @{ Text = "sha512:$hex64"; Valid = $false }
        @{ Text = "sha256$hex64"; Valid = $false }
        @{ Text = "sha256:$hex64`n"; Valid = $false }
        @{ Text = " sha256:$hex64"; Valid = $false }
        @{ Text = 'sha256:' + $hex64.Substring(1) + "`u{0430}"; Valid = $false }
        @{ Text = 'md5:' + $hex64.Substring(0, 32); Valid = $false }
        @{ Text = ''; Valid = $false }
    ) | ForEach-Object { $_.Name = Format-TestName $_.Text; $_ }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-OpenImTestModule

    # Short names for the classes under test; the type names resolve only once the module is loaded.
    $VersionClass = [OpenIm.PowerShell.Catalog.OpenImVersion]
    $TagInfoClass = [OpenIm.PowerShell.Catalog.TagInfo]
    $GrammarClass = [OpenIm.PowerShell.Catalog.TagGrammar]
    $ComparerClass = [OpenIm.PowerShell.Catalog.TagComparer]
    $RangeClass = [OpenIm.PowerShell.Catalog.VersionRange]
    $PlatformClass = [OpenIm.PowerShell.Catalog.PlatformSpec]

    # PowerShell wraps exceptions from .NET methods; the tests assert on the one the method threw.
    function Get-ThrownException([scriptblock] $Action) {
        try {
            & $Action
        } catch {
            $exception = $_.Exception
            while ($exception -is [System.Management.Automation.MethodInvocationException] -and
                $null -ne $exception.InnerException) {
                $exception = $exception.InnerException
            }
            return $exception
        }
        return $null
    }

    # Null expectations need BeNullOrEmpty, and strings compare case-sensitively.
    function Assert-Optional($Actual, $Expected) {
        if ($null -eq $Expected) {
            $Actual | Should -BeNullOrEmpty
        } elseif ($Expected -is [string]) {
            $Actual | Should -BeExactly $Expected
        } else {
            $Actual | Should -Be $Expected
        }
    }

    # The leading comma keeps PowerShell from unrolling the typed array into object[].
    function ConvertTo-TagInfoArray([string[]] $Tags) {
        , [OpenIm.PowerShell.Catalog.TagInfo[]] @($Tags | ForEach-Object { $TagInfoClass::Classify($_) })
    }
}

Describe 'TagInfo.Classify' -Tag Unit {
    It 'classifies <Name> as <Channel>/<Form>' -ForEach $ClassifyCases {
        $info = $TagInfoClass::Classify($Tag)

        $info.Tag | Should -BeExactly $Tag
        "$($info.Channel)" | Should -BeExactly $Channel
        "$($info.Form)" | Should -BeExactly $Form
        if ($null -eq $Version) {
            $info.Version | Should -BeNullOrEmpty
        } else {
            $info.Version.ToString() | Should -BeExactly $Version
        }
        $info.IsPreRelease | Should -Be $Pre
        $info.IsRolling | Should -Be $Rolling
    }

    It 'is the same classification through TagGrammar.Classify' {
        "$($GrammarClass::Classify('release-v3.8.3').Form)" | Should -BeExactly 'ReleaseBranch'
        $GrammarClass::Classify('v3.3.3-bate.4').Version.PreReleaseLabel | Should -BeExactly 'beta'
    }

    It 'throws ArgumentNullException for null' {
        $thrown = Get-ThrownException { $TagInfoClass::Classify([NullString]::Value) }
        $thrown | Should -BeOfType [System.ArgumentNullException]
    }

    It 'never throws and never recognises an invalid tag, over 2000 random strings' {
        # A fixed seed keeps a failure reproducible; the alphabet mixes tag characters with hostile ones.
        $random = [System.Random]::new(20260720)
        $alphabet = "v0123456789.-_releasptchmnb`r`n`t /:+@`u{043E}`u{0430}`u{0661}`u{FF56}AZ"
        $wrong = foreach ($i in 1..2000) {
            $length = $random.Next(0, 24)
            $text = -join $(for ($k = 0; $k -lt $length; $k++) { $alphabet[$random.Next($alphabet.Length)] })
            $info = $TagInfoClass::Classify($text)
            if (-not $GrammarClass::IsValidTag($text) -and "$($info.Form)" -ne 'Unknown') { $text }
        }
        $wrong | Should -BeNullOrEmpty
    }
}

Describe 'OpenImVersion parsing' -Tag Unit {
    It 'reads <Text> as <Normal>' -ForEach $ParseCases {
        $version = $VersionClass::Parse($Text)

        $version.ToString() | Should -BeExactly $Normal
        $version.Major | Should -Be $Major
        $version.Minor | Should -Be $Minor
        if ($null -eq $Build) {
            $version.Build | Should -BeNullOrEmpty
            $version.ComponentCount | Should -Be 2
        } else {
            $version.Build | Should -Be $Build
            $version.ComponentCount | Should -Be 3
        }
        Assert-Optional $version.PreReleaseLabel $Label
        Assert-Optional $version.PreReleaseNumber $Number
        Assert-Optional $version.PatchNumber $Patch
        $version.IsPreRelease | Should -Be ($null -ne $Label)
    }

    It 'reads its own output back to an equal version: <Text>' -ForEach $ParseCases {
        $version = $VersionClass::Parse($Text)
        $VersionClass::Parse($version.ToString()) | Should -Be $version
    }

    It 'rejects <Name> with a FormatException that names the input and the forms' -ForEach $BadVersionCases {
        $parsed = $null
        $VersionClass::TryParse($Text, [ref] $parsed) | Should -BeFalse
        $parsed | Should -BeNullOrEmpty

        $thrown = Get-ThrownException { $VersionClass::Parse($Text) }
        $thrown | Should -BeOfType [System.FormatException]
        $thrown.Message | Should -Match 'Accepted forms: X\.Y, X\.Y\.Z'
        $thrown.Message | Should -Not -MatchExactly '[^\x20-\x7E]' -Because 'input is quoted with escapes'
    }

    It 'quotes the input in the message, escaping line breaks and non-ASCII letters' {
        (Get-ThrownException { $VersionClass::Parse('3.8.x') }).Message |
            Should -BeLike "'3.8.x' is not an OpenIM version*"
        (Get-ThrownException { $VersionClass::Parse("3.8`r`n") }).Message |
            Should -BeLike "'3.8\u000d\u000a' is not*"
        (Get-ThrownException { $VersionClass::Parse("3.8.3-b`u{0435}ta.1") }).Message |
            Should -BeLike "'3.8.3-b\u0435ta.1' is not*"
        $long = (Get-ThrownException { $VersionClass::Parse('9' * 300) }).Message
        $long | Should -Match '\(300 characters\)'
        $long.Length | Should -BeLessThan 500
    }

    It 'throws ArgumentNullException for null' {
        Get-ThrownException { $VersionClass::Parse([NullString]::Value) } |
            Should -BeOfType [System.ArgumentNullException]
        $parsed = $null
        $VersionClass::TryParse([NullString]::Value, [ref] $parsed) | Should -BeFalse
    }

    It 'builds from parts with the same normalization as Parse' {
        $VersionClass::new(3, 3, 3, 'Bate', 4, $null) | Should -Be ($VersionClass::Parse('3.3.3-beta.4'))
        $VersionClass::new(3, 8, 3, $null, $null, 2).ToString() | Should -BeExactly '3.8.3-patch.2'
        $VersionClass::new(3, 8, $null, $null, $null, $null).ToString() | Should -BeExactly '3.8'
    }

    It 'refuses impossible parts: <Why>' -ForEach @(
        @{ Why = 'negative'; Parts = @(-1, 0, 0, $null, $null, $null) }
        @{ Why = 'suffix without build'; Parts = @(3, 8, $null, 'rc', 1, $null) }
        @{ Why = 'patch without build'; Parts = @(3, 8, $null, $null, $null, 1) }
        @{ Why = 'pre-release and patch'; Parts = @(3, 8, 3, 'rc', 1, 1) }
        @{ Why = 'number without label'; Parts = @(3, 8, 3, $null, 1, $null) }
        @{ Why = 'label patch'; Parts = @(3, 8, 3, 'patch', 1, $null) }
        @{ Why = 'label with a dash'; Parts = @(3, 8, 3, 'r-c', 1, $null) }
        @{ Why = 'number with an empty label'; Parts = @(3, 8, 3, '', 1, $null) }
    ) {
        $thrown = Get-ThrownException {
            $VersionClass::new($Parts[0], $Parts[1], $Parts[2], $Parts[3], $Parts[4], $Parts[5])
        }
        $thrown | Should -BeOfType [System.ArgumentException]
    }
}

Describe 'OpenImVersion order and equality' -Tag Unit {
    It '<Older> sorts before <Newer> (<Why>)' -ForEach $OrderPairs {
        $old = $VersionClass::Parse($Older)
        $new = $VersionClass::Parse($Newer)

        $old.CompareTo($new) | Should -BeLessThan 0
        $new.CompareTo($old) | Should -BeGreaterThan 0
        $VersionClass::op_LessThan($old, $new) | Should -BeTrue
        $VersionClass::op_GreaterThan($new, $old) | Should -BeTrue
        $VersionClass::op_LessThanOrEqual($new, $old) | Should -BeFalse
        $VersionClass::op_GreaterThanOrEqual($old, $new) | Should -BeFalse
        $old.Equals($new) | Should -BeFalse
    }

    It '<Left> equals <Right>, with equal hash codes' -ForEach $EqualPairs {
        $l = $VersionClass::Parse($Left)
        $r = $VersionClass::Parse($Right)

        $l.Equals($r) | Should -BeTrue
        $VersionClass::op_Equality($l, $r) | Should -BeTrue
        $VersionClass::op_Inequality($l, $r) | Should -BeFalse
        $l.CompareTo($r) | Should -Be 0
        $l.GetHashCode() | Should -Be $r.GetHashCode()
    }

    It '<Left> does not equal <Right>' -ForEach $UnequalPairs {
        $l = $VersionClass::Parse($Left)
        $r = $VersionClass::Parse($Right)

        $l.Equals($r) | Should -BeFalse
        $VersionClass::op_Inequality($l, $r) | Should -BeTrue
        $l.CompareTo($r) | Should -Not -Be 0
    }

    It 'keeps one of each version in a HashSet' {
        $set = [System.Collections.Generic.HashSet[OpenIm.PowerShell.Catalog.OpenImVersion]]::new()
        foreach ($text in 'v3.3.3-bate.4', '3.3.3-beta.4', '3.8', '3.8.0', 'V3.8.0', '3.8.0-patch.1') {
            $null = $set.Add($VersionClass::Parse($text))
        }
        $set.Count | Should -Be 4
    }

    It 'sorts with Sort-Object in OpenIM order' {
        $texts = '3.8.3-patch.1', '3.8', '3.8.3', '3.8.3-rc.1', '3.8.3-patch.10', '3.8.3-patch.2', '3.8.0'
        $sorted = $texts | ForEach-Object { $VersionClass::Parse($_) } | Sort-Object
        ($sorted | ForEach-Object ToString) -join ' ' |
            Should -BeExactly '3.8 3.8.0 3.8.3-rc.1 3.8.3 3.8.3-patch.1 3.8.3-patch.2 3.8.3-patch.10'
    }

    It 'puts null before every version' {
        $VersionClass::Compare($null, $VersionClass::Parse('0.0')) | Should -BeLessThan 0
        $VersionClass::Parse('0.0').CompareTo($null) | Should -BeGreaterThan 0
        $VersionClass::Compare($null, $null) | Should -Be 0
        $VersionClass::op_Equality($null, $VersionClass::Parse('0.0')) | Should -BeFalse
    }
}

Describe 'Newest-first tag order' -Tag Unit {
    It 'sorts the shuffled <List> tags (seed <Seed>) newest first' -ForEach $SortCases {
        $shuffled = Get-Random -InputObject $Expected -Count $Expected.Count -SetSeed $Seed
        ($shuffled -join ',') | Should -Not -BeExactly ($Expected -join ',') -Because 'the input must be shuffled'

        $sorted = $GrammarClass::SortNewestFirst((ConvertTo-TagInfoArray $shuffled))
        ($sorted.Tag -join "`n") | Should -BeExactly ($Expected -join "`n")
    }

    It 'sorts a List[TagInfo] with TagComparer the same way' -ForEach @{ Expected = $ServerOrder } {
        $list = [System.Collections.Generic.List[OpenIm.PowerShell.Catalog.TagInfo]]::new(
            (ConvertTo-TagInfoArray ($Expected | Sort-Object -Descending)))
        $list.Sort($ComparerClass::NewestFirst)
        ($list.Tag -join "`n") | Should -BeExactly ($Expected -join "`n")
    }

    It 'orders release-v3.8.3 before release-v3.8 and after release-v3.8.2' {
        $tags = ConvertTo-TagInfoArray 'release-v3.8', 'release-v3.8.3', 'release-v3.8.2'
        ($GrammarClass::SortNewestFirst($tags)).Tag -join ',' |
            Should -BeExactly 'release-v3.8.3,release-v3.8.2,release-v3.8'
    }

    It 'leaves its input unchanged' {
        $tags = ConvertTo-TagInfoArray 'v3.0.0', 'v3.8.3'
        $null = $GrammarClass::SortNewestFirst($tags)
        $tags.Tag -join ',' | Should -BeExactly 'v3.0.0,v3.8.3'
    }

    It 'picks the <Channel> head (prerelease <Pre>) as <Expected>' -ForEach $HeadCases {
        $head = $GrammarClass::SelectHead((ConvertTo-TagInfoArray $Tags), $Channel, $Pre)
        if ($null -eq $Expected) {
            $head | Should -BeNullOrEmpty
        } else {
            $head.Tag | Should -BeExactly $Expected
        }
    }
}

Describe 'VersionRange' -Tag Unit {
    It '<Range> contains <Version>: <Expected>' -ForEach $ContainsCases {
        $RangeClass::Parse($Range).Contains($VersionClass::Parse($Version)) | Should -Be $Expected
    }

    It 'reads <Text> as a <Kind> shown as <Shown>, and reads that back' -ForEach $RangeShapeCases {
        $range = $RangeClass::Parse($Text)
        "$($range.Kind)" | Should -BeExactly $Kind
        $range.ToString() | Should -BeExactly $Shown
        $range.OriginalString | Should -BeExactly $Text

        $again = $RangeClass::Parse($range.ToString())
        $again.Kind | Should -Be $range.Kind
        $again.ToString() | Should -BeExactly $Shown
    }

    It 'exposes the bounds of [3.7,3.9)' {
        $range = $RangeClass::Parse('[3.7,3.9)')
        $range.MinVersion.ToString() | Should -BeExactly '3.7'
        $range.IsMinInclusive | Should -BeTrue
        $range.MaxVersion.ToString() | Should -BeExactly '3.9'
        $range.IsMaxInclusive | Should -BeFalse
    }

    It 'has no upper bound in (3.7,] and does not contain null' {
        $range = $RangeClass::Parse('(3.7,]')
        $range.MaxVersion | Should -BeNullOrEmpty
        $range.IsMaxInclusive | Should -BeFalse
        $range.Contains($null) | Should -BeFalse
    }

    It 'rejects <Name> with a FormatException that names the input and the forms' -ForEach $BadRangeCases {
        $parsed = $null
        $RangeClass::TryParse($Text, [ref] $parsed) | Should -BeFalse
        $parsed | Should -BeNullOrEmpty

        $thrown = Get-ThrownException { $RangeClass::Parse($Text) }
        $thrown | Should -BeOfType [System.FormatException]
        $thrown.Message | Should -Match 'is not a version range'
        $thrown.Message | Should -Match 'Accepted forms: an exact version'
        $thrown.Message | Should -Not -MatchExactly '[^\x20-\x7E]' -Because 'input is quoted with escapes'
    }

    It 'says why an interval is empty' {
        (Get-ThrownException { $RangeClass::Parse('[3.9,3.7]') }).Message |
            Should -Match ([regex]::Escape("'[3.9,3.7]' is not a version range (it contains no version"))
    }

    It 'throws ArgumentNullException for null' {
        Get-ThrownException { $RangeClass::Parse([NullString]::Value) } |
            Should -BeOfType [System.ArgumentNullException]
    }
}

Describe 'PlatformSpec' -Tag Unit {
    It 'reads <Text> as <Shown>' -ForEach $PlatformCases {
        $platform = $PlatformClass::Parse($Text)

        $platform.ToString() | Should -BeExactly $Shown
        $platform.OS | Should -BeExactly $OS
        $platform.Architecture | Should -BeExactly $Arch
        Assert-Optional $platform.Variant $Variant
        $platform.IsAttestation | Should -Be $Attest
        $PlatformClass::Parse($Shown) | Should -Be $platform
    }

    It 'rejects <Name> with a FormatException' -ForEach $BadPlatformCases {
        $parsed = $null
        $PlatformClass::TryParse($Text, [ref] $parsed) | Should -BeFalse
        $parsed | Should -BeNullOrEmpty

        $thrown = Get-ThrownException { $PlatformClass::Parse($Text) }
        $thrown | Should -BeOfType [System.FormatException]
        $thrown.Message | Should -Match 'is not a platform\. Accepted forms: os/arch'
        $thrown.Message | Should -Not -MatchExactly '[^\x20-\x7E]' -Because 'input is quoted with escapes'
    }

    It 'treats linux/arm64/v8 and linux/arm64 as equal' {
        $a = $PlatformClass::Parse('linux/arm64/v8')
        $b = $PlatformClass::Parse('linux/arm64')
        $a.Equals($b) | Should -BeTrue
        $PlatformClass::op_Equality($a, $b) | Should -BeTrue
        $a.GetHashCode() | Should -Be $b.GetHashCode()
        $a | Should -Be ($PlatformClass::LinuxArm64)
    }

    It 'tells <Left> and <Right> apart' -ForEach @(
        @{ Left = 'linux/arm/v7'; Right = 'linux/arm/v6' }
        @{ Left = 'linux/arm'; Right = 'linux/arm/v7' }
        @{ Left = 'linux/amd64'; Right = 'linux/arm64' }
        @{ Left = 'linux/amd64'; Right = 'windows/amd64' }
        @{ Left = 'linux/amd64'; Right = 'linux/amd64/v3' }
    ) {
        $l = $PlatformClass::Parse($Left)
        $r = $PlatformClass::Parse($Right)
        $l.Equals($r) | Should -BeFalse
        $PlatformClass::op_Inequality($l, $r) | Should -BeTrue
    }

    It '<Spec> matches index entry <OS>/<Arch>/<Variant>: <Expected>' -ForEach $MatchCases {
        $PlatformClass::Parse($Spec).Matches($OS, $Arch, $Variant) | Should -Be $Expected
    }

    It 'spots attestation entries' {
        $PlatformClass::IsAttestationEntry('unknown', 'unknown') | Should -BeTrue
        $PlatformClass::IsAttestationEntry('linux', 'unknown') | Should -BeFalse
        $PlatformClass::IsAttestationEntry('unknown', 'amd64') | Should -BeFalse
        $PlatformClass::IsAttestationEntry($null, $null) | Should -BeFalse
        $PlatformClass::LinuxAmd64.IsAttestation | Should -BeFalse
    }

    It 'builds from parts with the same normalization as Parse' {
        $PlatformClass::new('linux', 'aarch64', 'v8').ToString() | Should -BeExactly 'linux/arm64'
        $PlatformClass::new('Linux', 'x86_64', $null) | Should -Be ($PlatformClass::LinuxAmd64)
        Get-ThrownException { $PlatformClass::new('linux', '', $null) } |
            Should -BeOfType [System.ArgumentException]
        Get-ThrownException { $PlatformClass::new('linux', 'amd64', "v1`n") } |
            Should -BeOfType [System.ArgumentException]
    }
}

Describe 'OCI syntax checks' -Tag Unit {
    It 'tag <Name> is valid: <Valid>' -ForEach $TagValidityCases {
        $GrammarClass::IsValidTag($Text) | Should -Be $Valid
    }

    It 'repository name <Name> is valid: <Valid>' -ForEach $NameValidityCases {
        $GrammarClass::IsValidRepositoryName($Text) | Should -Be $Valid
    }

    It 'digest <Name> is valid: <Valid>' -ForEach $DigestValidityCases {
        $GrammarClass::IsValidDigest($Text) | Should -Be $Valid
    }

    It 'answers false for null, never throwing' {
        $GrammarClass::IsValidTag([NullString]::Value) | Should -BeFalse
        $GrammarClass::IsValidRepositoryName([NullString]::Value) | Should -BeFalse
        $GrammarClass::IsValidDigest([NullString]::Value) | Should -BeFalse
    }
}
