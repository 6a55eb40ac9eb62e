using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Engine;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Saves OpenIM images from a Docker engine into one archive for hosts without
    /// internet; docker load accepts it too.</para>
    /// </summary>
    [Cmdlet(VerbsData.Save, "OpenImImage", SupportsShouldProcess = true, DefaultParameterSetName = ByReferenceSet)]
    [OutputType(typeof(OpenImArchive))]
    public sealed class SaveOpenImImageCommand : RegistryCommand
    {
        private const string ByReferenceSet = "ByReference";
        private const string ByNameSet = "ByName";

        private readonly List<string> _references = new List<string>();

        /// <summary>The archive file to write.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// Names of the images on the engine, such as <c>ghcr.io/openimsdk/openim-server:v3.8.3</c>; bound
        /// from the output of Invoke-OpenImPull, Get-OpenImLocalImage and Get-OpenImRelease.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByReferenceSet, ValueFromPipeline = true,
            ValueFromPipelineByPropertyName = true)]
        public string[] Reference { get; set; }

        /// <summary>The image, named as the first registry in priority order names it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string Image { get; set; }

        /// <summary>The tag. Default: latest.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        public string Tag { get; set; }

        /// <summary>The engine to save from. Default: DOCKER_HOST, else the local engine.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DockerHost { get; set; }

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                if (ParameterSetName == ByNameSet)
                {
                    var image = ResolveImage(Image).Name;
                    var tag = CheckTag(string.IsNullOrEmpty(Tag) ? "latest" : Tag);
                    _references.Add(Registries.GetAll().First().RepositoryOf(image) + ":" + tag);
                    return;
                }

                foreach (var reference in Reference)
                {
                    // Local names are checked like any reference, so nothing odd reaches the engine.
                    ImageReference.Parse(reference, Registries.GetAll(out _));
                    _references.Add(reference);
                }
            });
        }

        protected override void EndProcessing()
        {
            if (_references.Count == 0)
            {
                return;
            }

            string path = null;
            EngineEndpoint endpoint = null;
            IReadOnlyList<OpenImRegistry> registries = null;
            Run(() =>
            {
                path = GetUnresolvedProviderPathFromPSPath(Path);
                endpoint = EngineEndpoint.Parse(DockerHost ?? EngineEndpoint.DefaultText());
                registries = SelectRegistries(null);
                if (File.Exists(path) && !Force)
                {
                    throw new OpenImException(
                        "ArchiveExists",
                        OpenImErrorKind.AlreadyExists,
                        $"'{path}' already exists.",
                        path,
                        null,
                        "Add -Force to replace it, or choose another -Path.");
                }
            });

            var references = _references.Distinct(StringComparer.Ordinal).ToList();
            RunAsync(async (bridge, token) =>
            {
                using (var engine = DockerEngine.Connect(endpoint))
                {
                    await engine.PingAsync(token).ConfigureAwait(false);
                    var manifest = new ArchiveManifest { Created = DateTimeOffset.UtcNow };
                    foreach (var reference in references)
                    {
                        var inspected = await engine.InspectAsync(reference, token).ConfigureAwait(false);
                        if (inspected == null)
                        {
                            bridge.Error(new OpenImException(
                                "ImageNotOnEngine",
                                OpenImErrorKind.NotFound,
                                $"{reference} is not on the engine {engine.Name}; it is left out of the archive.",
                                reference,
                                null,
                                "Pull it first with Invoke-OpenImPull."));
                            continue;
                        }

                        manifest.Images.Add(Describe(reference, inspected, registries));
                    }

                    if (manifest.Images.Count == 0)
                    {
                        return;
                    }

                    var what = $"{manifest.Images.Count} image(s) from {engine.Name}: " +
                               string.Join(", ", manifest.Images.Select(i => i.Reference));
                    if (!await bridge.ShouldProcessAsync(path, "Save " + what).ConfigureAwait(false))
                    {
                        return;
                    }

                    var written = await ImageArchive.SaveAsync(engine, manifest, path, token).ConfigureAwait(false);
                    bridge.Verbose($"Wrote {path}: {written.Value} bytes, {written.Key}.");
                    bridge.Output(new OpenImArchive(path, written.Key, written.Value, manifest.Images, engine.Name));
                }
            });
        }

        private static ArchiveImage Describe(
            string reference,
            Docker.DotNet.Models.ImageInspectResponse inspected,
            IReadOnlyList<OpenImRegistry> registries)
        {
            LocalImageMapper.TrySplit(reference, registries, out var registry, out var image, out var tag);
            var digest = (inspected.RepoDigests ?? Array.Empty<string>())
                .Select(d => d.Split('@'))
                .Where(p => p.Length == 2 && LocalImageMapper.TrySplit(
                    p[0] + ":x",
                    registries,
                    out var r,
                    out var i,
                    out _)
                    && r.Name == registry?.Name && i == image)
                .Select(p => p[1])
                .FirstOrDefault();
            return new ArchiveImage
            {
                Reference = reference,
                Image = image,
                Registry = registry?.Name,
                Tag = tag,
                ImageId = inspected.ID,
                Digest = digest,
                Platform = inspected.Os + "/" + inspected.Architecture + (
                    string.IsNullOrEmpty(inspected.Variant) ? string.Empty : "/" + inspected.Variant),
                Size = inspected.Size,
            };
        }
    }
}
