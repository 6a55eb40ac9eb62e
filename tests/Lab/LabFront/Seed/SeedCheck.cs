using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace OpenIm.Lab.Seed;

/// <summary>
/// Checks through each backend's registry API that it serves the seed exactly as defined: the
/// catalog, every tag list, every tag's index, every manifest and blob by digest (status, digest,
/// media type and the very bytes), and an OCI index hidden from clients that do not accept it.
/// The seed is written into storage behind the registry's back, so only the registry's own answers
/// prove the files are laid out as its API would have laid them out. The Lab tests run it.
/// </summary>
internal static class SeedCheck
{
    private static readonly string AllManifests = string.Join(", ",
        ImageFactory.OciIndex, ImageFactory.DockerList, ImageFactory.OciManifest, ImageFactory.DockerManifest);

    private static readonly string AllButOciIndex = string.Join(", ",
        ImageFactory.DockerList, ImageFactory.OciManifest, ImageFactory.DockerManifest);

    /// <summary>
    /// Checks everything, or with <paramref name="quick"/> every tag but the manifests and blobs of a sample.
    /// </summary>
    public static async Task<int> RunAsync(LabConfig config, bool quick)
    {
        var clock = Stopwatch.StartNew();
        var factory = new ImageFactory();
        var plan = Seeder.Plan(config);
        var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 16 };
        using var http = new HttpClient(handler);
        var checkers = plan
            .Select(p => (Checker: new Checker(http, p.Key, factory, quick), Targets: p.Value))
            .ToList();
        await Task.WhenAll(checkers.Select(c => c.Checker.CheckAsync(c.Targets)));

        var problems = checkers.SelectMany(c => c.Checker.Problems).ToList();
        foreach (var (checker, _) in checkers)
        {
            Console.Out.WriteLine(checker.Summary());
        }

        foreach (var problem in problems.Order(StringComparer.Ordinal).Take(50))
        {
            Console.Out.WriteLine("problem: " + problem);
        }

        var verdict = problems.Count == 0 ? "serves the seed exactly" : $"has {problems.Count} problems";
        Console.Out.WriteLine($"the lab {verdict} (checked in {clock.Elapsed.TotalSeconds:0.00} s)");
        return problems.Count == 0 ? 0 : 1;
    }

    private sealed record Answer(HttpStatusCode Status, string? Digest, string? MediaType, byte[] Body);

    private sealed class Checker(HttpClient http, StandInConfig registry, ImageFactory factory, bool quick)
    {
        // A few requests in flight keep the registry busy without starving the rest of the machine.
        private readonly SemaphoreSlim _gate = new(8);
        private readonly Uri _backend = new(registry.Backend);
        private int _requests;
        private int _tags;
        private int _manifests;
        private int _blobs;
        private int _extraRepositories;
        private int _extraTags;

        public ConcurrentBag<string> Problems { get; } = [];

        public string Summary() =>
            $"{registry.Name}: {_requests} requests; {_tags} tags, {_manifests} manifests by digest, " +
            $"{_blobs} blobs checked; {_extraRepositories} repositories and {_extraTags} tags beyond the seed";

        public async Task CheckAsync(IReadOnlyList<SeedTarget> targets)
        {
            var catalog = await GetJsonAsync("/v2/_catalog?n=1000", "repositories");
            _extraRepositories = Compare("the catalog", catalog, targets.Select(t => t.Path));
            await Task.WhenAll(targets.Select(CheckRepositoryAsync));
        }

        private async Task CheckRepositoryAsync(SeedTarget target)
        {
            var tags = await GetJsonAsync($"/v2/{target.Path}/tags/list", "tags");
            Interlocked.Add(ref _extraTags, Compare($"the tags of {target.Path}", tags, target.Tags.Keys));

            var builds = target.Tags
                .GroupBy(t => t.Value.Key)
                .Select(b => (Tags: b.Select(t => t.Key).ToList(), Image: factory.Get(b.First().Value)))
                .ToList();
            var work = new List<Task>();
            foreach (var (buildTags, image) in builds)
            {
                work.AddRange(buildTags.Select(tag => ManifestAsync(target.Path, tag, image.Index, AllManifests)));
            }

            // Quick: the rest for one build per repository and index type, as the writer lays out every build alike.
            var deep = quick ? builds.GroupBy(b => b.Image.Index.MediaType).Select(g => g.First()) : builds;
            foreach (var (buildTags, image) in deep)
            {
                work.AddRange(image.Manifests.Select(m => ManifestAsync(target.Path, m.Digest, m, AllManifests)));
                if (image.Index.MediaType == ImageFactory.OciIndex)
                {
                    // Registry 2.8 answers an OCI index only to a client that lists its type.
                    work.Add(ManifestAsync(target.Path, buildTags[0], null, AllButOciIndex));
                }
            }

            var blobs = deep.SelectMany(b => b.Image.Blobs).DistinctBy(b => b.Digest);
            work.AddRange(blobs.Select(b => BlobAsync(target.Path, b)));
            await Task.WhenAll(work);
        }

        /// <summary>Expects exactly these bytes, or a 404 when <paramref name="expected"/> is null.</summary>
        private async Task ManifestAsync(string path, string reference, ManifestBlob? expected, string accept)
        {
            var what = $"manifest {path}:{reference}" + (expected is null ? " without the OCI index in Accept" : "");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{path}/manifests/{reference}");
            request.Headers.TryAddWithoutValidation("Accept", accept);
            var answer = await SendAsync(request);
            if (expected is null)
            {
                Expect(answer.Status == HttpStatusCode.NotFound, what, $"status {(int)answer.Status}, not 404");
                return;
            }

            if (!reference.StartsWith("sha256:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _tags);
            }
            else
            {
                Interlocked.Increment(ref _manifests);
            }

            Expect(answer.Status == HttpStatusCode.OK, what, $"status {(int)answer.Status}");
            Expect(answer.Digest == expected.Digest, what, $"digest {answer.Digest}, not {expected.Digest}");
            Expect(answer.Body.AsSpan().SequenceEqual(expected.Content), what, "a body other than the seed's");
            var type = answer.MediaType;
            Expect(type == expected.MediaType, what, $"media type {type}, not {expected.MediaType}");
        }

        private async Task BlobAsync(string path, Blob blob)
        {
            var what = $"blob {path}@{blob.Digest}";
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{path}/blobs/{blob.Digest}");
            var answer = await SendAsync(request);
            Interlocked.Increment(ref _blobs);
            Expect(answer.Status == HttpStatusCode.OK, what, $"status {(int)answer.Status}");
            Expect(answer.Body.AsSpan().SequenceEqual(blob.Content), what, "a body other than the seed's");
        }

        private async Task<List<string>> GetJsonAsync(string path, string property)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            var answer = await SendAsync(request);
            if (answer.Status != HttpStatusCode.OK)
            {
                Problems.Add($"{registry.Name} {path}: status {(int)answer.Status}");
                return [];
            }

            using var document = JsonDocument.Parse(answer.Body);
            return document.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToList();
        }

        private async Task<Answer> SendAsync(HttpRequestMessage request)
        {
            request.RequestUri = new Uri(_backend, request.RequestUri!);
            await _gate.WaitAsync();
            try
            {
                Interlocked.Increment(ref _requests);
                using var answer = await http.SendAsync(request);
                var body = await answer.Content.ReadAsByteArrayAsync();
                var digest = answer.Headers.TryGetValues("Docker-Content-Digest", out var d) ? d.First() : null;
                return new Answer(answer.StatusCode, digest, answer.Content.Headers.ContentType?.MediaType, body);
            }
            catch (HttpRequestException e)
            {
                Problems.Add($"{registry.Name} {request.RequestUri}: {e.Message}");
                return new Answer(0, null, null, []);
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>
        /// Everything seeded must be served. More is no fault: tests and benchmarks push images and tags
        /// of their own into a running lab, so extras are only counted (none right after a start).
        /// </summary>
        private int Compare(string what, IEnumerable<string> served, IEnumerable<string> seeded)
        {
            var missing = seeded.Except(served, StringComparer.Ordinal).ToList();
            Expect(missing.Count == 0, what, "missing " + string.Join(", ", missing.Take(10)));
            return served.Except(seeded, StringComparer.Ordinal).Count();
        }

        private void Expect(bool condition, string what, string problem)
        {
            if (!condition)
            {
                Problems.Add($"{registry.Name} {what}: {problem}");
            }
        }
    }
}
