using System.Text.Json;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// Which repositories a backend holds. Registry 2.8 answers MANIFEST_UNKNOWN for a manifest of
/// a missing repository, where the fronts must say NAME_UNKNOWN (DENIED on Ghcr); the catalog tells.
/// </summary>
internal sealed class RepositoryIndex(HttpClient http, Uri backend)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile HashSet<string> _known = new(StringComparer.Ordinal);

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellation)
    {
        if (_known.Contains(name))
        {
            return true;
        }

        // A miss reloads the catalog once: the repository may be newer than the last load.
        await _refresh.WaitAsync(cancellation);
        try
        {
            if (!_known.Contains(name))
            {
                _known = await LoadAsync(cancellation);
            }
        }
        finally
        {
            _refresh.Release();
        }

        return _known.Contains(name);
    }

    private async Task<HashSet<string>> LoadAsync(CancellationToken cancellation)
    {
        using var response = await http.GetAsync(new Uri(backend, "/v2/_catalog?n=1000"), cancellation);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellation));
        return document.RootElement.GetProperty("repositories")
            .EnumerateArray()
            .Select(e => e.GetString()!)
            .ToHashSet(StringComparer.Ordinal);
    }
}
