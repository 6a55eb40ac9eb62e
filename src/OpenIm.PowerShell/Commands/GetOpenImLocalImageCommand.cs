using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Engine;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the OpenIM images on Docker engines, mapped to image, registry, tag and
    /// channel; -Outdated finds rolling tags that moved on the registry.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OpenImLocalImage")]
    [OutputType(typeof(OpenImLocalImage))]
    public sealed class GetOpenImLocalImageCommand : RegistryCommand
    {
        /// <summary>Images to list; wildcards allowed. Default: every OpenIM image on the engine.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string[] Image { get; set; }

        /// <summary>Engines to ask. Default: DOCKER_HOST, else the local engine.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DockerHost { get; set; }

        /// <summary>
        /// Compares each rolling tag (main, release-*, latest) with the registry's current digest and
        /// returns only those that moved on.
        /// </summary>
        [Parameter]
        public SwitchParameter Outdated { get; set; }

        private readonly List<string> _images = new List<string>();

        protected override void ProcessRecord()
        {
            if (Image != null)
            {
                _images.AddRange(Image);
            }
        }

        protected override void EndProcessing()
        {
            IReadOnlyList<OpenImRegistry> registries = null;
            List<EngineEndpoint> endpoints = null;
            Run(() =>
            {
                registries = SelectRegistries(null);
                var hosts = DockerHost != null
                    && DockerHost.Length > 0 ? DockerHost : new[] { EngineEndpoint.DefaultText() };
                endpoints = hosts.Distinct(StringComparer.Ordinal).Select(EngineEndpoint.Parse).ToList();
            });

            RunAsync(async (bridge, token) =>
            {
                var client = CreateClient(bridge);
                foreach (var endpoint in endpoints)
                {
                    using (var engine = DockerEngine.Connect(endpoint))
                    {
                        IReadOnlyList<OpenImLocalImage> images;
                        try
                        {
                            images = LocalImageMapper.Map(await engine.ListAsync(token)
                                .ConfigureAwait(false), registries, engine.Name);
                        }
                        catch (OpenImException ex)
                        {
                            bridge.Error(ex);
                            continue;
                        }

                        var wanted = _images.Count > 0 ? _images.ToArray() : null;
                        var selected = NameFilter.Apply(images, i => i.Image, wanted, out _)
                            .OrderBy(i => i.Image, StringComparer.Ordinal)
                            .ThenBy(i => i.Info, TagComparer.NewestFirst)
                            .ToList();
                        if (Outdated)
                        {
                            selected = await CheckOutdatedAsync(client, registries, selected, bridge, token)
                                .ConfigureAwait(false);
                        }

                        foreach (var image in selected)
                        {
                            bridge.Output(image);
                        }
                    }
                }
            });
        }

        private static async Task<List<OpenImLocalImage>> CheckOutdatedAsync(
            RegistryClient client,
            IReadOnlyList<OpenImRegistry> registries,
            IEnumerable<OpenImLocalImage> images,
            PipelineBridge bridge,
            CancellationToken token)
        {
            var rolling = images.Where(i => i.Channel == OpenImChannel.Main || i.Channel == OpenImChannel.Release
                || i.Channel == OpenImChannel.Latest).ToList();
            var checks = rolling.Select(async image =>
            {
                var registry = registries.First(r => r.Name == image.Registry);
                try
                {
                    var remote = await client.HeadManifestAsync(registry, image.Image, image.Tag, token)
                        .ConfigureAwait(false);
                    image.RemoteDigest = remote.Digest;
                    image.IsOutdated = !string.Equals(remote.Digest, image.LocalDigest, StringComparison.Ordinal);
                }
                catch (RegistryException ex)
                {
                    bridge.Error(ex);
                }
            });
            await Task.WhenAll(checks).ConfigureAwait(false);
            return rolling.Where(i => i.IsOutdated == true).ToList();
        }
    }
}
