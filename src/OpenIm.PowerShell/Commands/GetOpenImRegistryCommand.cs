using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the registries that serve OpenIM images, in priority order.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OpenImRegistry")]
    [OutputType(typeof(OpenImRegistry))]
    public sealed class GetOpenImRegistryCommand : OpenImCmdlet
    {
        /// <summary>Names of registries to list; wildcards are allowed. All when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            Run(() => NameFilter.CheckRegistryPatterns(Name));

            var all = Registries.GetAll(out var settingsError);
            if (settingsError != null)
            {
                // A broken settings file must not hide the built-in registries: report it and go on.
                WriteError(ToErrorRecord(settingsError));
            }

            var matched = NameFilter.Apply(all, r => r.Name, Name, out var unmatched);
            foreach (var name in unmatched)
            {
                WriteError(ToErrorRecord(new OpenImException(
                    "RegistryNotFound",
                    OpenImErrorKind.NotFound,
                    $"There is no registry named '{Catalog.TagGrammar.Quote(name)}'. Known registries: " +
                        $"{string.Join(", ", all.Select(r => r.Name))}.",
                    name)));
            }

            foreach (var registry in matched)
            {
                WriteObject(registry);
            }
        }
    }
}
