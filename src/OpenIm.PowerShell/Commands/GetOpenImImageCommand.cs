using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists OpenIM images on each registry, with the references to pull them by.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OpenImImage")]
    [OutputType(typeof(OpenImImage))]
    public sealed class GetOpenImImageCommand : OpenImCmdlet
    {
        /// <summary>Image names; wildcards allowed. Without it, the default images (server and chat).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Image")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Registry names; wildcards allowed. Without it, every registry in priority order.</summary>
        [Parameter(Position = 1)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string[] Registry { get; set; }

        /// <summary>Lists the whole catalog, not only the default images.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            Run(() =>
            {
                NameFilter.CheckImagePatterns(Name);
                NameFilter.CheckRegistryPatterns(Registry);
            });

            var registries = Registries.GetAll(out var settingsError);
            if (settingsError != null)
            {
                WriteError(ToErrorRecord(settingsError));
            }

            IEnumerable<OpenImImageDefinition> candidates = All
                || Name != null ? ImageCatalog.All : ImageCatalog.Defaults;
            var images = NameFilter.Apply(candidates, i => i.Name, Name, out var unknownImages);
            foreach (var name in unknownImages)
            {
                WriteError(ToErrorRecord(UnknownImage(name)));
            }

            var selectedRegistries = NameFilter.Apply(registries, r => r.Name, Registry, out var unknownRegistries);
            foreach (var name in unknownRegistries)
            {
                WriteError(ToErrorRecord(new OpenImException(
                    "RegistryNotFound",
                    OpenImErrorKind.NotFound,
                    $"There is no registry named '{TagGrammar.Quote(name)}'. Known registries: " +
                    string.Join(", ", registries.Select(r => r.Name)) + ".",
                    name)));
            }

            foreach (var image in images)
            {
                foreach (var registry in selectedRegistries)
                {
                    WriteObject(new OpenImImage(image, registry));
                }
            }
        }

        internal static OpenImException UnknownImage(string name)
        {
            var suggestions = ImageCatalog.Suggest(name);
            var hint = suggestions.Count > 0
                ? " Did you mean " + string.Join(", ", suggestions) + "?"
                : string.Empty;
            return new OpenImException(
                "ImageNotFound",
                OpenImErrorKind.NotFound,
                $"'{TagGrammar.Quote(name)}' is not an OpenIM image in the catalog.{hint}",
                name,
                null,
                "Run 'Get-OpenImImage -All' to list the catalog.");
        }
    }
}
