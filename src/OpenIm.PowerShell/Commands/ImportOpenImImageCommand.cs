using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Engine;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Loads an archive written by Save-OpenImImage into Docker engines, after
    /// proving every image in it against its digests.</para>
    /// </summary>
    [Cmdlet(VerbsData.Import, "OpenImImage", SupportsShouldProcess = true)]
    [OutputType(typeof(OpenImImportResult))]
    public sealed class ImportOpenImImageCommand : OpenImCmdlet
    {
        /// <summary>The archive to load; bound by name from Save-OpenImImage's output.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Engines to load into. Default: DOCKER_HOST, else the local engine.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DockerHost { get; set; }

        protected override void ProcessRecord()
        {
            string path = null;
            List<EngineEndpoint> endpoints = null;
            Run(() =>
            {
                path = GetUnresolvedProviderPathFromPSPath(Path);
                if (!File.Exists(path))
                {
                    throw new OpenImException(
                        "ArchiveNotFound",
                        OpenImErrorKind.NotFound,
                        $"There is no archive at '{path}'.",
                        path);
                }

                var hosts = DockerHost != null
                    && DockerHost.Length > 0 ? DockerHost : new[] { EngineEndpoint.DefaultText() };
                endpoints = hosts.Distinct(StringComparer.Ordinal).Select(EngineEndpoint.Parse).ToList();
            });

            RunAsync(async (bridge, token) =>
            {
                // The whole archive is read and proven before any engine sees a byte of it.
                bridge.Verbose($"Checking {path}.");
                var manifest = ImageArchive.Verify(path);
                bridge.Verbose($"{path}: {manifest.Images.Count} image(s), every config and layer matches its digest.");
                foreach (var endpoint in endpoints)
                {
                    var target = $"{string.Join(", ", manifest.Images.Select(i => i.Reference))} onto {endpoint}";
                    if (!await bridge.ShouldProcessAsync(target, "Load OpenIM images from " + path)
                        .ConfigureAwait(false))
                    {
                        continue;
                    }

                    using (var engine = DockerEngine.Connect(endpoint))
                    {
                        try
                        {
                            await engine.PingAsync(token).ConfigureAwait(false);
                            await ImageArchive.LoadAsync(engine, path, token).ConfigureAwait(false);
                        }
                        catch (OpenImException ex)
                        {
                            bridge.Error(ex);
                            continue;
                        }

                        foreach (var image in manifest.Images)
                        {
                            var loaded = await engine.InspectAsync(image.Reference, token).ConfigureAwait(false);
                            if (loaded == null || loaded.ID != image.ImageId)
                            {
                                var found = loaded?.ID ?? "missing";
                                bridge.Error(new OpenImException(
                                    "DigestMismatch",
                                    OpenImErrorKind.SecurityError,
                                    $"After loading, {image.Reference} on {engine.Name} is {found}, " +
                                    $"not {image.ImageId} as the archive states.",
                                    image.Reference));
                                continue;
                            }

                            bridge.Output(new OpenImImportResult(image, loaded.ID, engine.Name));
                        }
                    }
                }
            });
        }
    }
}
