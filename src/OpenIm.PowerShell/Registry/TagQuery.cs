using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>The tags of one image as one registry lists them, classified.</summary>
    public sealed class TagListing
    {
        public TagListing(OpenImRegistry registry, string image, IReadOnlyList<TagInfo> tags)
        {
            Registry = registry;
            Image = image;
            Tags = tags;
        }

        public OpenImRegistry Registry { get; }

        public string Image { get; }

        public IReadOnlyList<TagInfo> Tags { get; }
    }

    /// <summary>
    /// The tag logic the cmdlets share: listing an image's tags from the first registry that answers
    /// or from several, picking channel heads, and resolving digests and platforms.
    /// </summary>
    public sealed class TagQuery
    {
        /// <summary>The channels a command means when it names none. Other is asked for explicitly.</summary>
        public static readonly IReadOnlyList<OpenImChannel> DefaultChannels = new[]
        {
            OpenImChannel.Main, OpenImChannel.Release, OpenImChannel.Version, OpenImChannel.Latest,
        };

        private readonly RegistryClient _client;
        private readonly IOpenImLog _log;

        public TagQuery(RegistryClient client, IOpenImLog log)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _log = log ?? NullOpenImLog.Instance;
        }

        public RegistryClient Client => _client;

        /// <summary>
        /// The tag listings of an image: from every registry given when <paramref name="everyRegistry"/>
        /// (each failure reported through <paramref name="onError"/>), else from the first registry in
        /// priority order that answers.
        /// </summary>
        public async Task<IReadOnlyList<TagListing>> ListAsync(
            string image,
            IReadOnlyList<OpenImRegistry> registries,
            bool everyRegistry,
            Action<OpenImException> onError,
            CancellationToken cancellationToken)
        {
            if (everyRegistry)
            {
                var tasks = registries.Select(r => TryListAsync(image, r, onError, cancellationToken)).ToArray();
                var listings = await Task.WhenAll(tasks).ConfigureAwait(false);
                return listings.Where(l => l != null).ToArray();
            }

            try
            {
                var first = await RegistryFallback.FirstAsync(
                    registries,
                    image,
                    r => _client.ListTagsAsync(r, image, cancellationToken),
                    _log,
                    cancellationToken).ConfigureAwait(false);
                return new[] { Classify(first.Key, image, first.Value) };
            }
            catch (OpenImException ex)
            {
                onError(ex);
                return Array.Empty<TagListing>();
            }
        }

        /// <summary>The newest tag of each channel; pre-releases only when asked for.</summary>
        public static IReadOnlyList<TagInfo> Heads(
            IEnumerable<TagInfo> tags,
            IEnumerable<OpenImChannel> channels,
            bool includePrerelease)
        {
            var list = tags.ToList();
            return channels
                .Select(channel => TagGrammar.SelectHead(list, channel, includePrerelease))
                .Where(head => head != null)
                .ToArray();
        }

        /// <summary>
        /// Every tag, grouped by channel in the order Main, Release, Version, Latest, Other, newest
        /// first.
        /// </summary>
        public static IReadOnlyList<TagInfo> SortForListing(IEnumerable<TagInfo> tags)
        {
            return tags.OrderBy(t => t.Channel).ThenBy(t => t, TagComparer.NewestFirst).ToArray();
        }

        /// <summary>Fills in the digest of each tag by HEAD, in parallel; a failure leaves it empty.</summary>
        public async Task ResolveDigestsAsync(IEnumerable<OpenImTag> tags, CancellationToken cancellationToken)
        {
            var tasks = tags.Select(async tag =>
            {
                try
                {
                    var descriptor = await _client.HeadManifestAsync(
                        tag.RegistryInfo,
                        tag.Image,
                        tag.Tag,
                        cancellationToken)
                        .ConfigureAwait(false);
                    tag.Digest = descriptor.Digest;
                }
                catch (RegistryException ex)
                {
                    _log.Verbose($"No digest for {tag.Reference}: {ex.Reason}");
                }
            });
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        /// <summary>
        /// Reads a tag's manifest and fills in its digest and platforms (attestations left out); a
        /// single-platform image reports the platform of its config.
        /// </summary>
        public async Task<ManifestDocument> ResolvePlatformsAsync(OpenImTag tag, CancellationToken cancellationToken)
        {
            var manifest = await _client.GetManifestAsync(tag.RegistryInfo, tag.Image, tag.Tag, null, cancellationToken)
                .ConfigureAwait(false);
            tag.Digest = manifest.Digest;
            tag.Platforms = manifest.IsIndex
                ? manifest.Platforms.Select(p => p.Platform).ToArray()
                : Array.Empty<string>();
            return manifest;
        }

        private async Task<TagListing> TryListAsync(
            string image,
            OpenImRegistry registry,
            Action<OpenImException> onError,
            CancellationToken cancellationToken)
        {
            try
            {
                var tags = await _client.ListTagsAsync(registry, image, cancellationToken).ConfigureAwait(false);
                return Classify(registry, image, tags);
            }
            catch (RegistryException ex)
            {
                onError(ex);
                return null;
            }
        }

        private static TagListing Classify(OpenImRegistry registry, string image, IEnumerable<string> tags)
        {
            return new TagListing(registry, image, tags.Select(TagInfo.Classify).ToArray());
        }
    }
}
