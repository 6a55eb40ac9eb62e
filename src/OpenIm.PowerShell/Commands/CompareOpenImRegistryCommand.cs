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
    /// <para type="synopsis">Compares the digest of OpenIM tags on every registry: InSync, Missing or
    /// Drifted.</para>
    /// </summary>
    [Cmdlet(VerbsData.Compare, "OpenImRegistry")]
    [OutputType(typeof(OpenImRegistryComparison))]
    public sealed class CompareOpenImRegistryCommand : RegistryCommand
    {
        private readonly List<string> _images = new List<string>();

        /// <summary>Images to compare. Default: openim-server and openim-chat.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string[] Image { get; set; }

        /// <summary>Tags to compare. Default: the head of each channel and latest.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Tag { get; set; }

        /// <summary>Registries to compare; wildcards allowed. Default: all of them.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string[] Registry { get; set; }

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
                if (Tag != null)
                {
                    foreach (var tag in Tag)
                    {
                        CheckTag(tag);
                    }
                }
            });

            RunAsync(async (bridge, token) =>
            {
                var query = new TagQuery(CreateClient(bridge), bridge);
                var work = images.Select(i => CompareImageAsync(query, i.Name, registries, bridge, token)).ToArray();
                foreach (var task in work)
                {
                    foreach (var comparison in await task.ConfigureAwait(false))
                    {
                        bridge.Output(comparison);
                    }
                }
            });
        }

        private async Task<IReadOnlyList<OpenImRegistryComparison>> CompareImageAsync(
            TagQuery query,
            string image,
            IReadOnlyList<OpenImRegistry> registries,
            PipelineBridge bridge,
            CancellationToken token)
        {
            IReadOnlyList<string> tags = Tag;
            if (tags == null)
            {
                // The heads come from the union of every registry's tags, so a tag that only a mirror
                // has still shows up, as missing on the others.
                var listings = await query.ListAsync(image, registries, true, bridge.Error, token)
                    .ConfigureAwait(false);
                if (listings.Count == 0)
                {
                    return new OpenImRegistryComparison[0];
                }

                var union = listings.SelectMany(l => l.Tags).GroupBy(t => t.Tag).Select(g => g.First());
                tags = TagQuery.Heads(union, TagQuery.DefaultChannels, false).Select(t => t.Tag).ToArray();
            }

            var comparisons = tags.Select(tag => CompareTagAsync(
                query.Client,
                image,
                tag,
                registries,
                token)).ToArray();
            return await Task.WhenAll(comparisons).ConfigureAwait(false);
        }

        private static async Task<OpenImRegistryComparison> CompareTagAsync(
            RegistryClient client,
            string image,
            string tag,
            IReadOnlyList<OpenImRegistry> registries,
            CancellationToken token)
        {
            var lookups = registries.Select(async registry =>
            {
                try
                {
                    var descriptor = await client.HeadManifestAsync(registry, image, tag, token).ConfigureAwait(false);
                    return new Lookup(registry, descriptor.Digest, null, false);
                }
                catch (
                    RegistryException ex) when (ex.ErrorId == "TagNotFound" || ex.ErrorId == "ImageNotFoundOnRegistry")
                {
                    return new Lookup(registry, null, null, true);
                }
                catch (RegistryException ex)
                {
                    return new Lookup(registry, null, ex.ErrorId + ": " + ex.Reason, false);
                }
            }).ToArray();
            var results = await Task.WhenAll(lookups).ConfigureAwait(false);

            var reference = results.FirstOrDefault(r => r.Digest != null)?.Digest;
            var entries = results.Select(r => new RegistryDigest(
                r.Registry.Name,
                r.Digest,
                r.Error != null ? SyncStatus.Unknown
                    : r.Missing ? SyncStatus.Missing
                    : r.Digest == reference ? SyncStatus.InSync
                    : SyncStatus.Drifted,
                r.Error)).ToArray();

            var status = entries.Any(e => e.Status == SyncStatus.Drifted) ? SyncStatus.Drifted
                : entries.Any(e => e.Status == SyncStatus.Missing) ? SyncStatus.Missing
                : entries.Any(e => e.Status == SyncStatus.Unknown) ? SyncStatus.Unknown
                : SyncStatus.InSync;
            return new OpenImRegistryComparison(image, tag, status, reference, entries);
        }

        private sealed class Lookup
        {
            public Lookup(OpenImRegistry registry, string digest, string error, bool missing)
            {
                Registry = registry;
                Digest = digest;
                Error = error;
                Missing = missing;
            }

            public OpenImRegistry Registry { get; }

            public string Digest { get; }

            public string Error { get; }

            public bool Missing { get; }
        }
    }
}
