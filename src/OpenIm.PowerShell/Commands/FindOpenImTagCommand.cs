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
    /// <para type="synopsis">Searches OpenIM tags by version, channel and platform, across images and
    /// registries.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "OpenImTag")]
    [OutputType(typeof(OpenImTag))]
    public sealed class FindOpenImTagCommand : RegistryCommand
    {
        private readonly List<string> _images = new List<string>();

        /// <summary>Images to search; wildcards match the catalog. Default: openim-server and openim-chat.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string[] Image { get; set; }

        /// <summary>
        /// Versions to match: a line (<c>3.8</c>, <c>3.8.*</c>), an exact version (<c>v3.8.3-patch.2</c>,
        /// with or without v) or a NuGet-style range (<c>[3.7,3.9)</c>).
        /// </summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Version { get; set; }

        /// <summary>Channels to search. Default: Version (the fixed release tags).</summary>
        [Parameter]
        public OpenImChannel[] Channel { get; set; }

        /// <summary>
        /// Registries to search; <c>*</c> for all, and then each result says where the tag exists
        /// (AvailableOn). Without it, the first registry in priority order that answers.
        /// </summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string[] Registry { get; set; }

        /// <summary>Keeps only tags whose image exists for this platform, such as <c>linux/arm64</c>.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Platform { get; set; }

        /// <summary>Returns only the newest match per image.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        /// <summary>Includes alpha, beta and rc tags.</summary>
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
            VersionRange range = null;
            PlatformSpec platform = null;
            Run(() =>
            {
                range = ParseVersionRange(Version);
                platform = ParsePlatform(Platform);
                images = ResolveImages(_images);
                registries = SelectRegistries(Registry);
            });

            var channels = Channel != null && Channel.Length > 0 ? Channel : new[] { OpenImChannel.Version };
            var includePrerelease = IncludePrerelease || (range != null && range.Kind == VersionRangeKind.Exact
                && range.MinVersion.IsPreRelease);
            RunAsync(async (bridge, token) =>
            {
                var query = new TagQuery(CreateClient(bridge), bridge);
                var work = images
                    .Select(i => SearchAsync(
                        query,
                        i.Name,
                        registries,
                        channels,
                        range,
                        platform,
                        includePrerelease,
                        bridge,
                        token))
                    .ToArray();
                foreach (var task in work)
                {
                    foreach (var tag in await task.ConfigureAwait(false))
                    {
                        bridge.Output(tag);
                    }
                }
            });
        }

        private async Task<IReadOnlyList<OpenImTag>> SearchAsync(
            TagQuery query,
            string image,
            IReadOnlyList<OpenImRegistry> registries,
            IReadOnlyList<OpenImChannel> channels,
            VersionRange range,
            PlatformSpec platform,
            bool includePrerelease,
            PipelineBridge bridge,
            CancellationToken token)
        {
            var listings = await query.ListAsync(image, registries, Registry != null, bridge.Error, token)
                .ConfigureAwait(false);

            // One candidate per tag name, read from the first registry in priority order that has it.
            var candidates = new Dictionary<string, OpenImTag>();
            foreach (var listing in listings)
            {
                foreach (var info in listing.Tags)
                {
                    if (candidates.TryGetValue(info.Tag, out var known))
                    {
                        known.AvailableOn = known.AvailableOn.Concat(new[] { listing.Registry.Name }).ToArray();
                        continue;
                    }

                    if (!channels.Contains(info.Channel)
                        || (info.IsPreRelease && !includePrerelease)
                        || (range != null && (info.Version == null || !range.Contains(info.Version))))
                    {
                        continue;
                    }

                    candidates[info.Tag] = new OpenImTag(image, listing.Registry, info);
                }
            }

            // One release spelled two ways (v3.7.0 and 3.7.0) is one result: the comparer puts the
            // v spelling first, and a bare spelling stays only where it is the only one.
            var ordered = candidates.Values
                .OrderBy(t => t.Info, TagComparer.NewestFirst)
                .GroupBy(t => t.Channel + "|" + (t.Version?.ToString() ?? t.Tag))
                .Select(g =>
                {
                    var kept = g.First();
                    kept.AvailableOn = registries
                        .Where(r => g.Any(t => t.AvailableOn.Contains(r.Name)))
                        .Select(r => r.Name)
                        .ToArray();
                    return kept;
                })
                .ToList();
            if (platform == null)
            {
                var selected = Latest ? ordered.Take(1).ToList() : ordered;
                if (Latest)
                {
                    await query.ResolveDigestsAsync(selected, token).ConfigureAwait(false);
                }

                return selected;
            }

            return await FilterByPlatformAsync(query, ordered, platform, bridge, token).ConfigureAwait(false);
        }

        private async Task<IReadOnlyList<OpenImTag>> FilterByPlatformAsync(
            TagQuery query,
            IReadOnlyList<OpenImTag> ordered,
            PlatformSpec platform,
            PipelineBridge bridge,
            CancellationToken token)
        {
            var kept = new List<OpenImTag>();

            // With -Latest the newest tags are checked first and the search stops at the first match;
            // without it every candidate is checked, a few at a time.
            var batchSize = Latest ? 4 : 16;
            for (var start = 0; start < ordered.Count; start += batchSize)
            {
                var batch = ordered.Skip(start).Take(batchSize).ToList();
                var checks = batch.Select(async tag =>
                {
                    try
                    {
                        var manifest = await query.ResolvePlatformsAsync(tag, token).ConfigureAwait(false);
                        var has = manifest.IsIndex
                            ? manifest.Platforms.Any(p => platform.Matches(p.OS, p.Architecture, p.Variant))
                            : await query.Client.SinglePlatformMatchesAsync(
                                tag.RegistryInfo,
                                tag.Image,
                                manifest,
                                platform,
                                token)
                                .ConfigureAwait(false);
                        if (!has)
                        {
                            bridge.Verbose($"{tag.Reference} is not available for {platform}.");
                        }

                        return has;
                    }
                    catch (RegistryException ex)
                    {
                        bridge.Error(ex);
                        return false;
                    }
                }).ToArray();
                var results = await Task.WhenAll(checks).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (results[i])
                    {
                        kept.Add(batch[i]);
                        if (Latest)
                        {
                            return kept;
                        }
                    }
                }
            }

            return kept;
        }
    }
}
