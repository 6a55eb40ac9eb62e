# Shared by the reliability test files (Faults, HostileInput, Secrets, Transport, Cancellation): the
# in-process stand-in of ReliabilityStandIn.cs, test certificates, stream capture and timed stops.
# Dot-source it in BeforeAll after TestHelpers.ps1. The test names these files use ("Row => outcome"
# inside a Describe named "Reliability: <area>") are what tools/ReliabilityReport.ps1 reads.

if (-not ('OpenImTest.StandIn' -as [type])) {
    Add-Type -Path (Join-Path $PSScriptRoot 'ReliabilityStandIn.cs') -ErrorAction Stop
}

function Start-StandIn {
    <#
    .SYNOPSIS
        Starts a scripted stand-in on 127.0.0.1 (or a unix socket with -SocketPath); see the modes in
        ReliabilityStandIn.cs. Dispose it when done.
    #>
    param(
        [Parameter(Mandatory)] [string] $Mode,
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate,
        [string] $SocketPath
    )

    if ($SocketPath) {
        return [OpenImTest.StandIn]::StartUnix($SocketPath, $Mode)
    }

    [OpenImTest.StandIn]::StartTcp($Mode, $Certificate)
}

function New-TestCertificate {
    <#
    .SYNOPSIS
        A certificate no machine trusts: self-signed for 127.0.0.1 and localhost, for another host
        name, or expired.
    #>
    param([ValidateSet('SelfSigned', 'OtherHost', 'Expired')] [string] $Kind = 'SelfSigned')

    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $subject = if ($Kind -eq 'OtherHost') { 'CN=registry.example.com' } else { 'CN=localhost' }
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        $subject, $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
        [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $names = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    if ($Kind -eq 'OtherHost') {
        $names.AddDnsName('registry.example.com')
    } else {
        $names.AddDnsName('localhost')
        $names.AddIpAddress([ipaddress]::Loopback)
    }

    $request.CertificateExtensions.Add($names.Build())
    $now = [datetimeoffset]::UtcNow
    $from, $to = if ($Kind -eq 'Expired') { $now.AddDays(-30), $now.AddDays(-1) } else { $now.AddDays(-1), $now.AddDays(1) }
    $created = $request.CreateSelfSigned($from, $to)

    # SslStream on Linux wants the key in a form it can use as a server: round-trip through PFX.
    $pfx = $created.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pfx)
    [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($pfx, [string] $null,
        [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
}

function ConvertTo-StreamText {
    <#
    .SYNOPSIS
        Everything a user could see of captured records: messages of every stream, error records with
        their exceptions (inner ones and stack included), targets and details, and every output object
        as ToString, as a list of its properties and as JSON.
    #>
    param([Parameter(ValueFromPipeline)] $Record)

    process {
        if ($null -eq $Record) { return }
        switch ($Record) {
            { $_ -is [System.Management.Automation.ErrorRecord] } {
                $_.ToString()
                $_.FullyQualifiedErrorId
                $_.Exception.ToString()
                "$($_.TargetObject)"
                "$($_.ErrorDetails)"
                $_.ErrorDetails.RecommendedAction
                $_.CategoryInfo.ToString()
                if ($_.Exception -is [OpenIm.PowerShell.OpenImException]) { "$($_.Exception.Target)"; $_.Exception.RecommendedAction }
                break
            }
            { $_ -is [System.Management.Automation.InformationRecord] } { "$($_.MessageData)"; break }
            { $_ -is [System.Management.Automation.InformationalRecord] } { $_.Message; break }
            { $_ -is [System.Management.Automation.ProgressRecord] } { $_.Activity; $_.StatusDescription; $_.CurrentOperation; break }
            default {
                $_.ToString()
                ($_ | Format-List -Property * | Out-String -Width 4096)
                try { $_ | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue } catch { "(not JSON: $($_.Exception.Message))" }
            }
        }
    }
}

function Get-OpenImSessionToken {
    <#
    .SYNOPSIS
        The bearer tokens the module's shared registry session holds right now, read by reflection, so
        a test can search its output for exactly the tokens the lab issued to it.
    #>
    $session = [OpenIm.PowerShell.Registry.RegistrySession]::Shared
    $flags = [System.Reflection.BindingFlags] 'Instance, NonPublic, Public'
    $cache = $session.GetType().GetProperty('Tokens', $flags).GetValue($session)
    $entries = $cache.GetType().GetField('_entries', $flags).GetValue($cache)
    foreach ($entry in $entries.Values) {
        $entry.GetType().GetProperty('Token', $flags).GetValue($entry)
    }
}

function Measure-OpenImStop {
    <#
    .SYNOPSIS
        Runs a script in a [powershell] of this process (the module and settings as here), waits
        -WaitSeconds, stops it and returns how long Stop() took, the state it ended in, and whether it
        was still running when stopped.
    #>
    param(
        [Parameter(Mandatory)] [scriptblock] $Script,
        [object[]] $ArgumentList = @(),
        [double] $WaitSeconds = 2
    )

    # One script, not a batch of statements: a stopped batch can touch its runspace after Dispose.
    $shell = [powershell]::Create()
    try {
        $null = $shell.AddScript({
                param($ModulePath, $Config, $DockerConfig, $Work, $Arguments)
                $env:OPENIM_CONFIG = $Config
                $env:DOCKER_CONFIG = $DockerConfig
                Import-Module $ModulePath
                & ([scriptblock]::Create($Work)) @Arguments
            }).AddArgument($script:ModulePath).AddArgument($env:OPENIM_CONFIG).AddArgument($env:DOCKER_CONFIG).
            AddArgument($Script.ToString()).AddArgument($ArgumentList)
        $handle = $shell.BeginInvoke()
        Start-Sleep -Seconds $WaitSeconds
        $running = -not $handle.IsCompleted
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $clock.Stop()
        try { $null = $shell.EndInvoke($handle) } catch { $null = $_ }
        [pscustomobject]@{
            StopSeconds = $clock.Elapsed.TotalSeconds
            WasRunning  = $running
            State       = "$($shell.InvocationStateInfo.State)"
            Errors      = @($shell.Streams.Error)
        }
    } finally {
        $shell.Dispose()
    }
}
