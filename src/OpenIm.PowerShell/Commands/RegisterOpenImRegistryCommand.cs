using System.Management.Automation;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Settings;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds a registry or mirror that serves OpenIM images.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "OpenImRegistry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(OpenImRegistry))]
    public sealed class RegisterOpenImRegistryCommand : OpenImCmdlet
    {
        /// <summary>The name to refer to the registry by, such as <c>CorpMirror</c>.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        /// <summary>The registry API endpoint: scheme, host and port, such as https://mirror.example.com.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Uri { get; set; }

        /// <summary>The namespace holding the OpenIM repositories on that registry, such as <c>openimsdk</c>.</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        public string Namespace { get; set; }

        /// <summary>
        /// The order in which registries are tried: lower first. Default 50, after the built-in
        /// ones.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public int Priority { get; set; } = 50;

        /// <summary>Allows plain http to a host that is not loopback, for a mirror on a trusted network.</summary>
        [Parameter]
        public SwitchParameter AllowHttp { get; set; }

        /// <summary>Writes the new registry to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                // Validate before asking ShouldProcess, so -WhatIf never echoes an unusable or secret URI.
                RegistryValidation.Name(Name);
                var endpoint = RegistryValidation.Endpoint(Uri, AllowHttp.IsPresent);
                RegistryValidation.Namespace(Namespace);
                var directory = Registries;
                var target = $"{Name} ({endpoint}, namespace {Namespace}) in {directory.SettingsPath}";
                if (!ShouldProcess(target, "Register OpenIM registry"))
                {
                    return;
                }

                var registry = directory.Register(Name, Uri, Namespace, Priority, AllowHttp.IsPresent);
                WriteVerbose($"Registered '{registry.Name}' at {registry.Uri} with priority {registry.Priority}.");
                if (PassThru)
                {
                    WriteObject(registry);
                }
            });
        }
    }
}
