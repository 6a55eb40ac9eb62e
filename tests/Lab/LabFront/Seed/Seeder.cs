using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenIm.Lab.Seed;

/// <summary>
/// One repository to fill on one backend: its full path, its tags and where to mount blobs from.
/// </summary>
internal sealed record SeedTarget(string Path, string? MountFrom, IReadOnlyDictionary<string, SeedBuild> Tags);

/// <summary>
/// Fills the backend registries: by default by writing their filesystem storage directly
/// (<see cref="StorageWriter"/>), or over the registry HTTP API (blob upload POST+PUT,
/// cross-repository mount, manifest PUT), which is the reference the storage writer must match.
/// </summary>
internal static class Seeder
{
    /// <summary>
    /// Starts the seed key; unchanged, so a seed keeps the key that labs reported for it before.
    /// </summary>
    private const string KeyFormat = "openim-lab-seed/1";

    public static async Task<int> RunAsync(LabConfig config)
    {
        var clock = Stopwatch.StartNew();
        var factory = new ImageFactory();
        var plan = Plan(config);

        // Every image once, on all cores, before anything needs them.
        Parallel.ForEach(plan.Values.SelectMany(t => t).SelectMany(t => t.Tags.Values), b => factory.Get(b));
        var key = Key(plan, factory);
        LabLog.Write($"images made at {clock.Elapsed.TotalSeconds:0.00} s");
        var requests = 0;
        var files = 0;
        if (config.SeedOverApi)
        {
            var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 };
            using var http = new HttpClient(handler);
            await WaitForBackendsAsync(http, config.Registries);
            var pushers = plan
                .Select(p => (Pusher: new Pusher(http, new Uri(p.Key.Backend), factory), Targets: p.Value))
                .ToList();
            await Task.WhenAll(pushers.Select(p => p.Pusher.PushAsync(p.Targets)));
            requests = pushers.Sum(p => p.Pusher.Requests);
        }
        else
        {
            // One writer per registry, in parallel: they share no files.
            files = plan.AsParallel().Sum(p => StorageWriter.Write(p.Key.Storage, p.Value, factory));
        }

        var summary = new
        {
            Key = key,
            Method = config.SeedOverApi ? "api" : "storage",
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            Requests = requests,
            Files = files,
            Registries = plan.Select(p => new
            {
                p.Key.Name,
                Repositories = p.Value.Select(t => new
                {
                    Repository = t.Path,
                    Tags = t.Tags.Count,
                    Builds = t.Tags.Values.Select(b => b.Key).Distinct().Count(),
                }),
            }),
        };
        var text = JsonSerializer.Serialize(summary, Json.Options);
        if (!string.IsNullOrEmpty(config.SeedSummaryPath))
        {
            await File.WriteAllTextAsync(config.SeedSummaryPath, text);
        }

        var how = config.SeedOverApi ? $"over the registry API with {requests} requests" : $"as {files} files";
        LabLog.Write($"seeded {how} in {clock.Elapsed.TotalSeconds:0.00} s");
        LabLog.Write(text);
        return 0;
    }

    /// <summary>What each registry holds: its repositories, each with its tags and their builds.</summary>
    public static Dictionary<StandInConfig, List<SeedTarget>> Plan(LabConfig config)
    {
        var catalog = SeedCatalog.Create();
        return config.Registries.ToDictionary(r => r, r => TargetsOn(r, catalog));
    }

    private static List<SeedTarget> TargetsOn(StandInConfig registry, IReadOnlyList<SeedRepository> catalog) =>
        catalog
            .Where(r => r.On.Contains(registry.Name))
            .Select(r => new SeedTarget(
                SeedRepository.PathOf(r.Name, registry.Namespace),
                r.MountFrom is null ? null : SeedRepository.PathOf(r.MountFrom, registry.Namespace),
                r.TagsOn(registry.Name)))
            .Where(t => t.Tags.Count > 0)
            .ToList();

    /// <summary>
    /// Index digests cover every manifest and blob, so they and the tag names decide the storage;
    /// the key tells at a glance whether two labs hold the same seed.
    /// </summary>
    private static string Key(Dictionary<StandInConfig, List<SeedTarget>> plan, ImageFactory factory)
    {
        var lines = new List<string> { KeyFormat };
        foreach (var (registry, targets) in plan)
        {
            lines.AddRange(targets.SelectMany(t => t.Tags.Select(tag =>
                $"{registry.Name} {t.Path} {tag.Key} {factory.Get(tag.Value).Index.Digest}")));
        }

        lines.Sort(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return Convert.ToHexStringLower(hash)[..16];
    }

    private static async Task WaitForBackendsAsync(HttpClient http, IEnumerable<StandInConfig> registries)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        foreach (var registry in registries)
        {
            var ping = new Uri(new Uri(registry.Backend), "/v2/");
            while (!await AnswersAsync(http, ping))
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException(
                        $"The {registry.Name} backend at {registry.Backend} did not answer in 30 s.");
                }

                await Task.Delay(25);
            }
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri uri)
    {
        try
        {
            using var answer = await http.GetAsync(uri);
            return answer.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            // Not listening yet; a registry starts in a fraction of a second.
            return false;
        }
    }

    /// <summary>Pushes to one backend, builds in parallel, each build in dependency order.</summary>
    private sealed class Pusher(HttpClient http, Uri backend, ImageFactory factory)
    {
        // Registry 2.8 spends milliseconds of CPU per request; many in flight keep both cores busy.
        private readonly SemaphoreSlim _gate = new(32);
        private int _requests;

        public int Requests => _requests;

        public async Task PushAsync(IReadOnlyList<SeedTarget> targets)
        {
            // Repositories that mount blobs go last, once the ones they mount from are complete.
            foreach (var wave in targets.GroupBy(t => t.MountFrom is not null).OrderBy(g => g.Key))
            {
                var builds = wave.SelectMany(target => target.Tags
                    .GroupBy(tag => tag.Value.Key)
                    .Select(tags => PushBuildAsync(target, factory.Get(tags.First().Value), tags.Select(t => t.Key))));
                await Task.WhenAll(builds);
            }
        }

        private async Task PushBuildAsync(SeedTarget target, BuiltImage image, IEnumerable<string> tags)
        {
            await Task.WhenAll(image.Blobs.Select(blob => UploadAsync(target, blob)));
            await Task.WhenAll(image.Manifests.Select(m => PutManifestAsync(target.Path, m.Digest, m)));

            // The first tag stores the index itself; a PUT by digest first would only add a request.
            var ordered = tags.ToList();
            await PutManifestAsync(target.Path, ordered[0], image.Index);
            await Task.WhenAll(ordered.Skip(1).Select(tag => PutManifestAsync(target.Path, tag, image.Index)));
        }

        private async Task UploadAsync(SeedTarget target, Blob blob)
        {
            var start = target.MountFrom is null
                ? $"/v2/{target.Path}/blobs/uploads/"
                : $"/v2/{target.Path}/blobs/uploads/?mount={blob.Digest}&from={target.MountFrom}";
            using (var started = await SendAsync(HttpMethod.Post, new Uri(backend, start), null))
            {
                if (started.StatusCode == HttpStatusCode.Created)
                {
                    return;
                }

                var what = $"upload {blob.Digest} to {target.Path}";
                await ExpectAsync(started, HttpStatusCode.Accepted, "start to " + what);
                var location = new Uri(backend, started.Headers.Location!);
                var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
                var finish = new Uri($"{location}{separator}digest={Uri.EscapeDataString(blob.Digest)}");
                var content = new ByteArrayContent(blob.Content);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var done = await SendAsync(HttpMethod.Put, finish, content);
                await ExpectAsync(done, HttpStatusCode.Created, what);
            }
        }

        private async Task PutManifestAsync(string path, string reference, ManifestBlob manifest)
        {
            var content = new ByteArrayContent(manifest.Content);
            content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
            var uri = new Uri(backend, $"/v2/{path}/manifests/{reference}");
            using var answer = await SendAsync(HttpMethod.Put, uri, content);
            await ExpectAsync(answer, HttpStatusCode.Created, $"put manifest {path}:{reference}");
        }

        private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content)
        {
            await _gate.WaitAsync();
            try
            {
                Interlocked.Increment(ref _requests);
                using var request = new HttpRequestMessage(method, uri) { Content = content };
                return await http.SendAsync(request);
            }
            finally
            {
                _gate.Release();
            }
        }

        private static async Task ExpectAsync(HttpResponseMessage answer, HttpStatusCode expected, string what)
        {
            if (answer.StatusCode != expected)
            {
                var body = await answer.Content.ReadAsStringAsync();
                throw new InvalidOperationException($"Could not {what}: {(int)answer.StatusCode} {body}");
            }
        }
    }
}
