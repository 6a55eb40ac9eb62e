using System.Management.Automation;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a registry the user registered.</para>
    /// </summary>
    [Cmdlet(
        VerbsLifecycle.Unregister,
        "OpenImRegistry",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OpenImRegistry))]
    public sealed class UnregisterOpenImRegistryCommand : OpenImCmdlet
    {
        /// <summary>The registry to remove.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string Name { get; set; }

        /// <summary>Writes the removed registry to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                var directory = Registries;
                if (!ShouldProcess($"{Name} in {directory.SettingsPath}", "Unregister OpenIM registry"))
                {
                    return;
                }

                var removed = directory.Unregister(Name);
                WriteVerbose($"Unregistered '{removed.Name}' ({removed.Uri}).");
                if (PassThru)
                {
                    WriteObject(removed);
                }
            });
        }
    }
}
