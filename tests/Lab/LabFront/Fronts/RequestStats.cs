using System.Collections.Concurrent;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// The kinds of request the stats count, so tests can assert round trips per kind.
/// </summary>
internal enum RequestKind
{
    Ping,
    Token,
    Tags,
    Manifest,
    Blob,
    Other,
}

/// <summary>
/// One request a stand-in answered; status 0 means the connection was dropped without an answer.
/// </summary>
internal sealed record RequestRecord(
    DateTimeOffset Time,
    string Kind,
    string Method,
    string Path,
    int Status,
    long Ms);

/// <summary>Counts and recent requests of one stand-in.</summary>
internal sealed class RequestStats
{
    private const int Kept = 1_000;

    private readonly long[] _counts = new long[Enum.GetValues<RequestKind>().Length];
    private readonly ConcurrentQueue<RequestRecord> _recent = new();
    private long _refusedConnections;

    public void Record(RequestKind kind, string method, string path, int status, long ms)
    {
        Interlocked.Increment(ref _counts[(int)kind]);
        var name = kind.ToString().ToLowerInvariant();
        _recent.Enqueue(new RequestRecord(DateTimeOffset.UtcNow, name, method, path, status, ms));
        while (_recent.Count > Kept && _recent.TryDequeue(out _))
        {
        }
    }

    /// <summary>
    /// Connections closed by the down fault never become requests, so they are counted apart.
    /// </summary>
    public void RecordRefusedConnection() => Interlocked.Increment(ref _refusedConnections);

    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }

        Interlocked.Exchange(ref _refusedConnections, 0);
        _recent.Clear();
    }

    /// <summary>
    /// Flat, so tests read (stats).Token or (stats).Total: registry, total, one count per kind, refused
    /// connections and the recent requests.
    /// </summary>
    public IDictionary<string, object> View(StandIn registry)
    {
        var counts = Enum.GetValues<RequestKind>()
            .ToDictionary(k => k.ToString().ToLowerInvariant(), k => Interlocked.Read(ref _counts[(int)k]));
        var view = new Dictionary<string, object> { ["registry"] = registry, ["total"] = counts.Values.Sum() };
        foreach (var (kind, count) in counts)
        {
            view[kind] = count;
        }

        view["refusedConnections"] = Interlocked.Read(ref _refusedConnections);
        view["requests"] = _recent.ToArray();
        return view;
    }
}
