using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>Progress of one pull: the layers seen so far and their bytes.</summary>
    public sealed class PullProgress
    {
        public PullProgress(PullPlan plan, string engine, OpenImRegistry registry, IReadOnlyList<LayerProgress> layers)
        {
            Plan = plan;
            Engine = engine;
            Registry = registry;
            Layers = layers;
        }

        public PullPlan Plan { get; }

        public string Engine { get; }

        public OpenImRegistry Registry { get; }

        public IReadOnlyList<LayerProgress> Layers { get; }

        public long Current => Layers.Sum(l => l.Current);

        public long Total => Layers.Sum(l => l.Total);
    }

    /// <summary>
    /// Plans and performs verified pulls. The digest of a tag is read from the first registry in
    /// priority order that answers; the engine then pulls that digest from the first registry that
    /// has it, so a drifted mirror can never deliver other content, and the image is named locally
    /// with the requested repository and tag.
    /// </summary>
    public sealed class PullService
    {
        // Engine errors after which another registry may well succeed.
        private static readonly HashSet<string> FallbackErrors = new HashSet<string>
        {
            "PullAccessDenied", "TagNotFound", "RateLimited", "PullFailed",
        };

        private readonly RegistryClient _client;
        private readonly RegistrySession _session;
        private readonly IOpenImLog _log;

        public PullService(RegistryClient client, RegistrySession session, IOpenImLog log)
        {
            _client = client;
            _session = session;
            _log = log ?? NullOpenImLog.Instance;
        }

        /// <summary>
        /// Decides what to pull: the registries to try (the preferred one first, recently failed ones
        /// last), the digest the content must have, and whether the platform exists. Throws before
        /// any download when the tag or the platform does not exist.
        /// </summary>
        public async Task<PullPlan> PlanAsync(
            string image,
            string tag,
            string expectedDigest,
            OpenImRegistry preferred,
            IReadOnlyList<OpenImRegistry> registries,
            string localRepository,
            PlatformSpec platform,
            bool noFallback,
            bool skipVerify,
            CancellationToken cancellationToken)
        {
            var ordered = new List<OpenImRegistry>();
            if (preferred != null)
            {
                ordered.Add(preferred);
            }

            var rest = registries.Where(r => preferred == null || !string.Equals(
                r.Name,
                preferred.Name,
                StringComparison.OrdinalIgnoreCase)).ToList();
            var healthy = rest.Where(r => !_session.FailedProbeRecently(r.Name)).ToList();
            foreach (var skipped in rest.Except(healthy))
            {
                _log.Verbose($"{skipped.Name} failed a probe in this session; it is tried last.");
            }

            ordered.AddRange(healthy);
            ordered.AddRange(rest.Except(healthy));
            if (noFallback)
            {
                // The user insists on one registry: the named one, else the first by priority, even if
                // it failed before in this session.
                ordered = new List<OpenImRegistry> { preferred ?? registries[0] };
            }

            var what = image + ":" + tag;
            if (skipVerify)
            {
                var bareLocal = localRepository ?? (preferred ?? registries[0]).RepositoryOf(image);
                return new PullPlan(image, tag, null, ordered[0], ordered, bareLocal, platform);
            }

            OpenImRegistry authority;
            string digest;
            if (!string.IsNullOrEmpty(expectedDigest))
            {
                authority = ordered[0];
                digest = expectedDigest;
                _log.Verbose($"{what}: pulling the digest it was given, {digest}.");
            }
            else
            {
                var found = await RegistryFallback.FirstAsync(
                    ordered,
                    what,
                    r => _client.HeadManifestAsync(r, image, tag, cancellationToken),
                    _log,
                    cancellationToken).ConfigureAwait(false);
                authority = found.Key;
                digest = found.Value.Digest;
                _log.Verbose(
                    $"{what}: {authority.Name} says the digest is {digest}; every source must deliver exactly that.");
            }

            if (platform != null)
            {
                await CheckPlatformAsync(image, tag, digest, authority, ordered, platform, cancellationToken)
                    .ConfigureAwait(false);
            }

            // The local name is the requested registry's, or the first by priority (never one moved
            // there by a failed probe, so names stay stable); the download starts where the digest came
            // from, since that registry just answered, and the rest follow in order.
            var local = localRepository ?? (preferred ?? registries[0]).RepositoryOf(image);
            var candidates = new[] { authority }.Concat(ordered.Where(r => r != authority)).ToList();
            return new PullPlan(image, tag, digest, authority, candidates, local, platform);
        }

        /// <summary>
        /// Pulls a planned image onto one engine, falling back through the plan's registries, then
        /// names it locally and reads the outcome back from the engine.
        /// </summary>
        public async Task<OpenImPullResult> PullAsync(
            PullPlan plan,
            DockerEngine engine,
            Action<PullProgress> onProgress,
            CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var before = await engine.InspectAsync(plan.LocalReference, cancellationToken).ConfigureAwait(false);
            OpenImException lastError = null;
            for (var i = 0; i < plan.Candidates.Count; i++)
            {
                var registry = plan.Candidates[i];
                var next = i + 1 < plan.Candidates.Count ? $"; trying {plan.Candidates[i + 1].Name}" : string.Empty;
                if (plan.Digest != null && registry != plan.Authority
                    && !await HasDigestAsync(registry, plan, next, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                var repository = registry.PullHost + "/" + registry.PathOf(plan.Image);
                var source = repository + (plan.Digest != null ? "@" + plan.Digest : ":" + plan.Tag);
                var layers = new ConcurrentDictionary<string, LayerProgress>();
                try
                {
                    _log.Verbose($"Pulling {source} onto {engine.Name}.");
                    await engine.PullAsync(
                        repository,
                        plan.Digest ?? plan.Tag,
                        plan.Platform?.ToString(),
                        AuthFor(registry),
                        layer =>
                        {
                            layers[layer.Layer] = Merge(
                                layers.TryGetValue(layer.Layer, out var old) ? old : null,
                                layer);
                            onProgress?.Invoke(new PullProgress(plan, engine.Name, registry, layers.Values.ToArray()));
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (OpenImException ex) when (FallbackErrors.Contains(ex.ErrorId))
                {
                    lastError = ex;
                    _log.Warning($"{registry.Name} could not deliver {plan.LocalReference} ({ex.ErrorId}){next}.");
                    _log.Verbose(ex.Message);
                    continue;
                }

                return await FinishAsync(
                    plan,
                    engine,
                    registry,
                    source,
                    before,
                    layers.Values,
                    clock,
                    cancellationToken)
                    .ConfigureAwait(false);
            }

            throw lastError ?? new OpenImException(
                "DigestMismatch",
                OpenImErrorKind.SecurityError,
                $"No registry could deliver {plan.LocalReference} with the digest {plan.Digest}.",
                plan.LocalReference,
                null,
                "The mirrors disagree with the preferred registry; compare them with Compare-OpenImRegistry.");
        }

        private async Task<OpenImPullResult> FinishAsync(
            PullPlan plan,
            DockerEngine engine,
            OpenImRegistry registry,
            string source,
            ImageInspectResponse before,
            IEnumerable<LayerProgress> layers,
            Stopwatch clock,
            CancellationToken cancellationToken)
        {
            var after = await engine.InspectAsync(source, cancellationToken).ConfigureAwait(false);
            if (after == null)
            {
                throw new OpenImException(
                    "PullFailed",
                    OpenImErrorKind.InvalidOperation,
                    $"The engine {engine.Name} reported no error, but has no image {source} afterwards.",
                    source);
            }

            await engine.TagAsync(after.ID, plan.LocalRepository, plan.Tag, cancellationToken).ConfigureAwait(false);
            var digest = plan.Digest ?? DigestFrom(after, registry.PullHost + "/" + registry.PathOf(plan.Image));
            var platform = string.IsNullOrEmpty(after.Os) ? null
                : after.Os + "/" + after.Architecture + (
                    string.IsNullOrEmpty(after.Variant) ? string.Empty : "/" + after.Variant);
            var status = before != null && before.ID == after.ID ? PullStatus.UpToDate : PullStatus.Pulled;
            var bytes = layers.Where(l => l.Total > 0).Sum(l => l.Total);
            _log.Verbose($"{plan.LocalReference} on {engine.Name}: {status}, image {after.ID}.");
            return new OpenImPullResult(
                plan.Image,
                plan.Tag,
                registry.Name,
                plan.LocalReference,
                source,
                digest,
                after.ID,
                platform,
                engine.Name,
                status,
                clock.Elapsed,
                bytes);
        }

        private async Task<bool> HasDigestAsync(
            OpenImRegistry registry,
            PullPlan plan,
            string next,
            CancellationToken cancellationToken)
        {
            try
            {
                var descriptor = await _client.HeadManifestAsync(registry, plan.Image, plan.Digest, cancellationToken)
                    .ConfigureAwait(false);
                if (descriptor.Digest == plan.Digest)
                {
                    return true;
                }
            }
            catch (RegistryException ex) when (ex.ErrorId != "TagNotFound" && ex.ErrorId != "ImageNotFoundOnRegistry")
            {
                if (ex.ErrorId == "RegistryUnreachable" || ex.ErrorId == "RegistryTimeout")
                {
                    _session.RecordProbe(registry.Name, false);
                }

                _log.Warning($"{registry.Name} failed for {plan.LocalReference} ({ex.ErrorId}){next}.");
                _log.Verbose(ex.Message);
                return false;
            }
            catch (RegistryException)
            {
                // Not there: reported below as the mismatch it is.
            }

            _log.Warning($"DigestMismatch: {registry.Name} does not have {plan.LocalReference} at {plan.Digest} " +
                         $"(the digest {plan.Authority.Name} reports); skipped{next}.");
            return false;
        }

        private async Task CheckPlatformAsync(
            string image,
            string tag,
            string digest,
            OpenImRegistry authority,
            IReadOnlyList<OpenImRegistry> ordered,
            PlatformSpec platform,
            CancellationToken cancellationToken)
        {
            var manifest = await _client.GetManifestAsync(authority, image, digest, digest, cancellationToken)
                .ConfigureAwait(false);
            bool present;
            IReadOnlyList<string> available;
            if (manifest.IsIndex)
            {
                present = manifest.Platforms.Any(p => platform.Matches(p.OS, p.Architecture, p.Variant));
                available = manifest.Platforms.Select(p => p.Platform).ToArray();
            }
            else
            {
                present = await _client.SinglePlatformMatchesAsync(
                    authority,
                    image,
                    manifest,
                    platform,
                    cancellationToken)
                    .ConfigureAwait(false);
                available = new[] { "a single platform" };
            }

            if (!present)
            {
                throw new OpenImException(
                    "PlatformNotAvailable",
                    OpenImErrorKind.NotFound,
                    $"{image}:{tag} is not published for {platform}; it exists for: {string.Join(", ", available)}.",
                    image + ":" + tag,
                    null,
                    $"Find a tag that has it with: Find-OpenImTag {image} -Platform {platform} -Latest");
            }
        }

        private AuthConfig AuthFor(OpenImRegistry registry)
        {
            var credential = _client.CredentialFor(registry);
            if (credential == null)
            {
                return null;
            }

            return credential.IsIdentityToken
                ? new AuthConfig { IdentityToken = credential.Secret, ServerAddress = registry.PullHost }
                : new AuthConfig
                {
                    Username = credential.UserName,
                    Password = credential.Secret,
                    ServerAddress = registry.PullHost,
                };
        }

        private static LayerProgress Merge(LayerProgress old, LayerProgress update)
        {
            // The engine reports a layer's total only while downloading; keep it once known.
            var total = update.Total > 0 ? update.Total : old?.Total ?? 0;
            var current = update.Status.StartsWith("Download complete", StringComparison.Ordinal)
                || update.Status.StartsWith("Pull complete", StringComparison.Ordinal)
                || update.Status.StartsWith("Extracting", StringComparison.Ordinal)
                ? total
                : update.Current > 0 ? update.Current : old?.Current ?? 0;
            return new LayerProgress(update.Layer, update.Status, current, total);
        }

        private static string DigestFrom(ImageInspectResponse image, string repository)
        {
            var prefix = repository + "@";
            return image.RepoDigests?.FirstOrDefault(d => d.StartsWith(
                prefix,
                StringComparison.Ordinal))?.Substring(prefix.Length);
        }
    }
}
