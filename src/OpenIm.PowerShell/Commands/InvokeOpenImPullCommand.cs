using System;
using System.Collections.Concurrent;
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
    /// <para type="synopsis">Pulls OpenIM images through the Docker engine, verified by digest, from the
    /// registry that works.</para>
    /// </summary>
    [Cmdlet(
        VerbsLifecycle.Invoke,
        "OpenImPull",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Low,
        DefaultParameterSetName = ByNameSet)]
    [OutputType(typeof(OpenImPullResult))]
    public sealed class InvokeOpenImPullCommand : RegistryCommand
    {
        private const string ByNameSet = "ByName";
        private const string ByReferenceSet = "ByReference";

        private readonly List<Request> _requests = new List<Request>();

        /// <summary>
        /// The image to pull, such as <c>openim-server</c>; bound by name from Get-OpenImTag and
        /// Find-OpenImTag.
        /// </summary>
        [Parameter(
            Mandatory = true,
            Position = 0,
            ParameterSetName = ByNameSet,
            ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string Image { get; set; }

        /// <summary>The tag to pull. Default: latest.</summary>
        [Parameter(Position = 1, ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string Tag { get; set; }

        /// <summary>
        /// The registry to try first. The others follow in priority order unless -NoFallback.
        /// </summary>
        [Parameter(ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string Registry { get; set; }

        /// <summary>
        /// The digest the image must have (bound from Get-OpenImTag); read from the registries when
        /// absent.
        /// </summary>
        [Parameter(ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
        public string Digest { get; set; }

        /// <summary>
        /// A reference to an OpenIM image on a known registry, such as <c>ghcr.io/openimsdk/openim-
        /// server:v3.8.3</c>.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByReferenceSet, ValueFromPipeline = true,
            ValueFromPipelineByPropertyName = true)]
        public string Reference { get; set; }

        /// <summary>
        /// The platform to pull, such as <c>linux/arm64</c>; checked against the image index before
        /// pulling.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Platform { get; set; }

        /// <summary>
        /// Engines to pull onto; several pull to each (a fleet). Default: DOCKER_HOST, else the
        /// local engine.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DockerHost { get; set; }

        /// <summary>Uses only the first registry; a failure there is an error instead of a fallback.</summary>
        [Parameter]
        public SwitchParameter NoFallback { get; set; }

        /// <summary>Pulls by tag without checking the digest across registries.</summary>
        [Parameter]
        public SwitchParameter SkipVerify { get; set; }

        /// <summary>How many pulls run at once, over all images and engines. Default 3.</summary>
        [Parameter]
        [ValidateRange(1, 32)]
        public int ThrottleLimit { get; set; } = 3;

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                var registries = Registries.GetAll(out _);
                if (ParameterSetName == ByReferenceSet)
                {
                    var parsed = ImageReference.Parse(Reference, registries);
                    var local = parsed.Registry?.RepositoryOf(parsed.Image);
                    _requests.Add(new Request(
                        parsed.Image,
                        parsed.Tag ?? "latest",
                        parsed.Digest,
                        parsed.Registry?.Name,
                        local));
                    return;
                }

                var image = ResolveImage(Image).Name;
                var tag = CheckTag(string.IsNullOrEmpty(Tag) ? "latest" : Tag);
                var digest = CheckDigest(Digest);
                string localRepository = null;
                if (!string.IsNullOrEmpty(Registry))
                {
                    var named = registries.FirstOrDefault(r => string.Equals(
                        r.Name,
                        Registry,
                        StringComparison.OrdinalIgnoreCase))
                        ?? throw new OpenImException(
                            "RegistryNotFound",
                            OpenImErrorKind.NotFound,
                            $"There is no registry named '{TagGrammar.Quote(Registry)}'.",
                            Registry);
                    localRepository = named.RepositoryOf(image);
                }

                _requests.Add(new Request(
                    image,
                    tag,
                    digest,
                    Registry,
                    localRepository));
            });
        }

        protected override void EndProcessing()
        {
            if (_requests.Count == 0)
            {
                return;
            }

            IReadOnlyList<OpenImRegistry> registries = null;
            PlatformSpec platform = null;
            List<EngineEndpoint> endpoints = null;
            Run(() =>
            {
                platform = ParsePlatform(Platform);
                registries = SelectRegistries(null);
                var hosts = DockerHost != null
                    && DockerHost.Length > 0 ? DockerHost : new[] { EngineEndpoint.DefaultText() };
                endpoints = hosts.Distinct(StringComparer.Ordinal).Select(EngineEndpoint.Parse).ToList();
            });

            RunAsync(async (bridge, token) =>
            {
                var client = CreateClient(bridge);
                var service = new PullService(client, RegistrySession.Shared, bridge);
                var engines = await ConnectAsync(endpoints, bridge, token).ConfigureAwait(false);
                try
                {
                    if (engines.Count == 0)
                    {
                        return;
                    }

                    await PullAllAsync(service, registries, platform, engines, bridge, token).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var engine in engines)
                    {
                        engine.Dispose();
                    }
                }
            });
        }

        private static async Task<List<DockerEngine>> ConnectAsync(
            IEnumerable<EngineEndpoint> endpoints,
            PipelineBridge bridge,
            CancellationToken token)
        {
            // Each engine is checked once, so one that is not running is one error, not one per image.
            var engines = new List<DockerEngine>();
            foreach (var endpoint in endpoints)
            {
                DockerEngine engine = null;
                try
                {
                    engine = DockerEngine.Connect(endpoint);
                    await engine.PingAsync(token).ConfigureAwait(false);
                    engines.Add(engine);
                }
                catch (OpenImException ex)
                {
                    engine?.Dispose();
                    bridge.Error(ex);
                }
            }

            return engines;
        }

        private async Task PullAllAsync(
            PullService service,
            IReadOnlyList<OpenImRegistry> registries,
            PlatformSpec platform,
            IReadOnlyList<DockerEngine> engines,
            PipelineBridge bridge,
            CancellationToken token)
        {
            var gate = new SemaphoreSlim(ThrottleLimit);
            var progress = new PullProgressReporter(bridge);
            var work = _requests.Select((request, index) => PullOneAsync(
                service,
                request,
                index,
                registries,
                platform,
                engines,
                gate,
                progress,
                bridge,
                token)).ToArray();

            // Results go out in input order, each as soon as it and those before it are done.
            foreach (var task in work)
            {
                foreach (var result in await task.ConfigureAwait(false))
                {
                    bridge.Output(result);
                }
            }

            progress.CompleteAll();
        }

        private async Task<IReadOnlyList<OpenImPullResult>> PullOneAsync(
            PullService service,
            Request request,
            int index,
            IReadOnlyList<OpenImRegistry> registries,
            PlatformSpec platform,
            IReadOnlyList<DockerEngine> engines,
            SemaphoreSlim gate,
            PullProgressReporter progress,
            PipelineBridge bridge,
            CancellationToken token)
        {
            PullPlan plan;
            try
            {
                var preferred = request.Registry == null
                    ? null
                    : registries.FirstOrDefault(r => string.Equals(
                        r.Name,
                        request.Registry,
                        StringComparison.OrdinalIgnoreCase));
                plan = await service.PlanAsync(
                    request.Image,
                    request.Tag,
                    request.Digest,
                    preferred,
                    registries,
                    request.LocalRepository,
                    platform,
                    NoFallback,
                    SkipVerify,
                    token).ConfigureAwait(false);
            }
            catch (OpenImException ex)
            {
                bridge.Error(ex);
                return Array.Empty<OpenImPullResult>();
            }

            var results = new ConcurrentBag<KeyValuePair<int, OpenImPullResult>>();
            var perEngine = engines.Select(async (engine, engineIndex) =>
            {
                var source = plan.Candidates[0];
                var what = plan.Digest == null ? plan.LocalReference : $"{plan.LocalReference} ({plan.Digest})";
                var target = $"{what} from {source.Name} ({source.PullHost}) onto {engine.Name}";
                if (!await bridge.ShouldProcessAsync(target, "Pull OpenIM image").ConfigureAwait(false))
                {
                    return;
                }

                await gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    var activity = progress.Start(index * 64 + engineIndex, plan, engine.Name);
                    var result = await service.PullAsync(plan, engine, p => progress.Report(activity, p), token)
                        .ConfigureAwait(false);
                    progress.Complete(activity);
                    results.Add(new KeyValuePair<int, OpenImPullResult>(engineIndex, result));
                }
                catch (OpenImException ex)
                {
                    bridge.Error(ex);
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(perEngine).ConfigureAwait(false);
            return results.OrderBy(r => r.Key).Select(r => r.Value).ToArray();
        }

        private sealed class Request
        {
            public Request(string image, string tag, string digest, string registry, string localRepository)
            {
                Image = image;
                Tag = tag;
                Digest = digest;
                Registry = registry;
                LocalRepository = localRepository;
            }

            public string Image { get; }

            public string Tag { get; }

            public string Digest { get; }

            public string Registry { get; }

            public string LocalRepository { get; }
        }
    }
}
