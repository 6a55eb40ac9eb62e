using System;
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
    /// <para type="synopsis">Gets the manifest behind a tag: digest, media type, size, platforms and,
    /// when asked, the creation time.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OpenImManifest", DefaultParameterSetName = ByTagSet)]
    [OutputType(typeof(OpenImManifest))]
    public sealed class GetOpenImManifestCommand : RegistryCommand
    {
        private const string ByTagSet = "ByTag";
        private const string ByReferenceSet = "ByReference";

        private readonly List<Request> _requests = new List<Request>();

        /// <summary>The image, such as <c>openim-server</c>.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByTagSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string Image { get; set; }

        /// <summary>The tag, such as <c>v3.8.3</c>. Default: latest.</summary>
        [Parameter(Position = 1, ParameterSetName = ByTagSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string Tag { get; set; }

        /// <summary>The registry to ask. Without it, the registries in priority order, first answer wins.</summary>
        [Parameter(ParameterSetName = ByTagSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string Registry { get; set; }

        /// <summary>
        /// The digest the tag is expected to have (bound from Get-OpenImTag output). The manifest is read
        /// by this digest, so the answer matches what the earlier command saw.
        /// </summary>
        [Parameter(ParameterSetName = ByTagSet, ValueFromPipelineByPropertyName = true)]
        public string Digest { get; set; }

        /// <summary>A full reference such as <c>ghcr.io/openimsdk/openim-server:v3.8.3</c>.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByReferenceSet, ValueFromPipeline = true)]
        public string Reference { get; set; }

        /// <summary>Also reads the image config to report when the image was created (one more request).</summary>
        [Parameter]
        public SwitchParameter IncludeCreated { get; set; }

        protected override void ProcessRecord()
        {
            // Input problems are reported per item before any request, and the other items go on.
            RunForItem(() =>
            {
                var all = Registries.GetAll(out _);
                // A full reference given by position lands in -Image; it is read as the reference it is.
                var looksLikeReference = ParameterSetName == ByTagSet && Image != null
                    && Image.IndexOfAny(new[] { '/', ':', '@' }) >= 0
                    && !MyInvocation.BoundParameters.ContainsKey(nameof(Tag));
                if (ParameterSetName == ByReferenceSet || looksLikeReference)
                {
                    var parsed = ImageReference.Parse(looksLikeReference ? Image : Reference, all);
                    _requests.Add(new Request(parsed.Image, parsed.Tag, parsed.Digest, parsed.Registry?.Name));
                    return;
                }

                var image = ResolveImage(Image).Name;
                var tag = CheckTag(string.IsNullOrEmpty(Tag) ? "latest" : Tag);
                var digest = CheckDigest(Digest);
                _requests.Add(new Request(image, tag, digest, Registry));
            });
        }

        protected override void EndProcessing()
        {
            if (_requests.Count == 0)
            {
                return;
            }

            IReadOnlyList<OpenImRegistry> all = null;
            Run(() => all = SelectRegistries(null));
            RunAsync(async (bridge, token) =>
            {
                var client = CreateClient(bridge);
                var work = _requests.Select(r => ReadAsync(client, r, all, bridge, token)).ToArray();
                foreach (var task in work)
                {
                    var manifest = await task.ConfigureAwait(false);
                    if (manifest != null)
                    {
                        bridge.Output(manifest);
                    }
                }
            });
        }

        private async Task<OpenImManifest> ReadAsync(
            RegistryClient client,
            Request request,
            IReadOnlyList<OpenImRegistry> all,
            PipelineBridge bridge,
            CancellationToken token)
        {
            try
            {
                var candidates = all;
                if (request.Registry != null)
                {
                    var named = all.FirstOrDefault(r => string.Equals(
                        r.Name,
                        request.Registry,
                        StringComparison.OrdinalIgnoreCase));
                    if (named == null)
                    {
                        throw new OpenImException(
                            "RegistryNotFound",
                            OpenImErrorKind.NotFound,
                            $"There is no registry named '{TagGrammar.Quote(request.Registry)}'.",
                            request.Registry);
                    }

                    candidates = new[] { named };
                }

                var what = request.Image + ":" + (request.Tag ?? request.Digest);
                var found = await RegistryFallback.FirstAsync(
                    candidates,
                    what,
                    r => client.GetManifestAsync(
                        r,
                        request.Image,
                        request.Digest ?? request.Tag,
                        request.Digest,
                        token),
                    bridge,
                    token).ConfigureAwait(false);
                return await DescribeAsync(client, found.Key, request, found.Value, token).ConfigureAwait(false);
            }
            catch (OpenImException ex)
            {
                bridge.Error(ex);
                return null;
            }
        }

        private async Task<OpenImManifest> DescribeAsync(
            RegistryClient client,
            OpenImRegistry registry,
            Request request,
            ManifestDocument manifest,
            CancellationToken token)
        {
            IReadOnlyList<OpenImPlatform> platforms;
            long size;
            if (manifest.IsIndex)
            {
                // Each platform's download size is the sum of its config and layers.
                var entries = manifest.Platforms.ToList();
                var sizes = await Task.WhenAll(entries.Select(async e =>
                {
                    var single = await client.GetManifestAsync(registry, request.Image, e.Digest, e.Digest, token)
                        .ConfigureAwait(false);
                    return (single.Config?.Size ?? 0) + single.Layers.Sum(l => l.Size);
                })).ConfigureAwait(false);
                platforms = entries.Select((e, i) => new OpenImPlatform(e.Platform, e.Digest, sizes[i])).ToArray();
                size = manifest.Size;
            }
            else
            {
                size = (manifest.Config?.Size ?? 0) + manifest.Layers.Sum(l => l.Size);
                platforms = Array.Empty<OpenImPlatform>();
            }

            DateTimeOffset? created = null;
            if (IncludeCreated)
            {
                created = await client.GetCreatedAsync(registry, request.Image, manifest, token).ConfigureAwait(false);
            }

            var reference = registry.RepositoryOf(request.Image)
                + (request.Tag != null ? ":" + request.Tag : string.Empty)
                + (request.Digest != null ? "@" + request.Digest : string.Empty);
            return new OpenImManifest(
                request.Image,
                request.Tag,
                registry.Name,
                reference,
                manifest.Digest,
                manifest.MediaType,
                size,
                platforms,
                created);
        }

        private sealed class Request
        {
            public Request(string image, string tag, string digest, string registry)
            {
                Image = image;
                Tag = tag;
                Digest = digest;
                Registry = registry;
            }

            public string Image { get; }

            public string Tag { get; }

            public string Digest { get; }

            public string Registry { get; }
        }
    }
}
