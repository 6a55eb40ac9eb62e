using System.Management.Automation;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a registry: its endpoint, namespace or priority. Also redirects a
    /// built-in registry to a mirror, and -Reset restores it.</para>
    /// </summary>
    [Cmdlet(
        VerbsCommon.Set,
        "OpenImRegistry",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Low,
        DefaultParameterSetName = ChangeSet)]
    [OutputType(typeof(OpenImRegistry))]
    public sealed class SetOpenImRegistryCommand : OpenImCmdlet
    {
        private const string ChangeSet = "Change";
        private const string ResetSet = "Reset";

        /// <summary>The registry to change.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string Name { get; set; }

        /// <summary>The new API endpoint, such as a mirror's https://mirror.example.com.</summary>
        [Parameter(ParameterSetName = ChangeSet)]
        public string Uri { get; set; }

        /// <summary>The new namespace of the OpenIM repositories on that endpoint.</summary>
        [Parameter(ParameterSetName = ChangeSet)]
        public string Namespace { get; set; }

        /// <summary>The new priority: lower is tried first.</summary>
        [Parameter(ParameterSetName = ChangeSet)]
        public int Priority { get; set; }

        /// <summary>Allows plain http to a host that is not loopback, for a mirror on a trusted network.</summary>
        [Parameter(ParameterSetName = ChangeSet)]
        public SwitchParameter AllowHttp { get; set; }

        /// <summary>Restores a built-in registry's shipped endpoint, namespace and priority.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ResetSet)]
        public SwitchParameter Reset { get; set; }

        /// <summary>Writes the changed registry to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                var directory = Registries;
                var action = Reset ? "Reset OpenIM registry to its built-in settings" : "Change OpenIM registry";
                if (!ShouldProcess($"{Name} in {directory.SettingsPath}", action))
                {
                    return;
                }

                int? priority = null;
                if (MyInvocation.BoundParameters.ContainsKey(nameof(Priority)))
                {
                    priority = Priority;
                }

                bool? allowHttp = null;
                if (MyInvocation.BoundParameters.ContainsKey(nameof(AllowHttp)))
                {
                    allowHttp = AllowHttp.IsPresent;
                }

                var registry = directory.Change(Name, Uri, Namespace, priority, allowHttp, Reset.IsPresent);
                WriteVerbose($"'{registry.Name}' now uses {registry.Uri}, namespace {registry.Namespace}, " +
                             $"priority {registry.Priority}.");
                if (PassThru)
                {
                    WriteObject(registry);
                }
            });
        }
    }
}
