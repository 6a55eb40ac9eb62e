using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the live tags of OpenIM images, classified by channel: the head of each
    /// channel by default, every tag with -All.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OpenImTag")]
    [OutputType(typeof(OpenImTag))]
    public sealed class GetOpenImTagCommand : RegistryCommand
    {
        private readonly List<string> _images = new List<string>();

        /// <summary>Images to ask about; wildcards match the catalog. Default: openim-server and openim-chat.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string[] Image { get; set; }

        /// <summary>
        /// Registries to ask; wildcards allowed, <c>*</c> for all. Without it, the registries are tried in
        /// priority order and the first that answers is used. With it, each named registry is listed.
        /// </summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string[] Registry { get; set; }

        /// <summary>Channels to report: Main, Release, Version, Latest, Other. Default: all but Other.</summary>
        [Parameter]
        public OpenImChannel[] Channel { get; set; }

        /// <summary>Every tag instead of the channel heads, grouped by channel, newest first.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        /// <summary>Lets alpha, beta and rc tags be channel heads.</summary>
        [Parameter]
        public SwitchParameter IncludePrerelease { get; set; }

        protected override void ProcessRecord()
        {
            if (Image != null)
            {
                _images.AddRange(Image);
            }
        }

        protected override void EndProcessing()
        {
            IReadOnlyList<OpenImImageDefinition> images = null;
            IReadOnlyList<OpenImRegistry> registries = null;
            Run(() =>
            {
                images = ResolveImages(_images);
                registries = SelectRegistries(Registry);
            });

            var everyRegistry = Registry != null;
            var channels = Channel != null && Channel.Length > 0 ? Channel : TagQuery.DefaultChannels.ToArray();
            RunAsync(async (bridge, token) =>
            {
                var query = new TagQuery(CreateClient(bridge), bridge);
                var work = images
                    .Select(image => ForImageAsync(
                        query,
                        image.Name,
                        registries,
                        everyRegistry,
                        channels,
                        bridge,
                        token))
                    .ToArray();

                // Results stream out image by image, in the order the images were given.
                foreach (var task in work)
                {
                    foreach (var tag in await task.ConfigureAwait(false))
                    {
                        bridge.Output(tag);
                    }
                }
            });
        }

        private async Task<IReadOnlyList<OpenImTag>> ForImageAsync(
            TagQuery query,
            string image,
            IReadOnlyList<OpenImRegistry> registries,
            bool everyRegistry,
            IReadOnlyList<OpenImChannel> channels,
            PipelineBridge bridge,
            CancellationToken token)
        {
            var listings = await query.ListAsync(image, registries, everyRegistry, bridge.Error, token)
                .ConfigureAwait(false);
            var result = new List<OpenImTag>();
            foreach (var listing in listings)
            {
                if (All)
                {
                    var selected = Channel != null && Channel.Length > 0
                        ? listing.Tags.Where(t => channels.Contains(t.Channel))
                        : listing.Tags;
                    result.AddRange(TagQuery.SortForListing(selected).Select(t => new OpenImTag(
                        image,
                        listing.Registry,
                        t)));
                    continue;
                }

                var heads = TagQuery.Heads(listing.Tags, channels, IncludePrerelease)
                    .Select(t => new OpenImTag(image, listing.Registry, t))
                    .ToArray();
                await query.ResolveDigestsAsync(heads, token).ConfigureAwait(false);
                result.AddRange(heads);
            }

            return result;
        }
    }
}
