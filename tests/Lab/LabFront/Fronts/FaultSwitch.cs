using System.Text.RegularExpressions;

namespace OpenIm.Lab.Fronts;

/// <summary>The failures a stand-in can be told to show, named as in the admin API.</summary>
internal enum FaultMode
{
    None,
    Unavailable,
    RateLimit,
    Drop,
    Slow,
    WrongDigest,
    Denied,
    Garbage,
    Html,
    Down,
}

/// <summary>A fault as the admin API receives it.</summary>
internal sealed record FaultRequest(string? Mode, int? Count, string? Match, int? DelayMs, int? RetryAfter);

/// <summary>
/// One active fault; Remaining counts down per matching request, null means until cleared.
/// </summary>
internal sealed class FaultRule
{
    public required int Id { get; init; }

    public required FaultMode Mode { get; init; }

    public Regex? Match { get; init; }

    public int? Remaining { get; set; }

    public int DelayMs { get; init; }

    public int? RetryAfter { get; init; }

    public object View() => new
    {
        Id,
        Mode = Mode.ToString().ToLowerInvariant(),
        Match = Match?.ToString(),
        Remaining,
        DelayMs,
        RetryAfter,
    };
}

/// <summary>
/// A stand-in's active faults, in the order they were set; the first that matches a request wins.
/// </summary>
internal sealed class FaultSwitch
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private int _nextId;

    /// <summary>
    /// Adds a fault, or clears them all for mode none; throws ArgumentException on a bad request.
    /// </summary>
    public FaultRule? Apply(FaultRequest request)
    {
        // Enum.TryParse also takes numbers; the admin API names modes only by name.
        var named = Enum.TryParse<FaultMode>(request.Mode, ignoreCase: true, out var mode);
        if (!named || int.TryParse(request.Mode, out _))
        {
            var names = string.Join(", ", Enum.GetNames<FaultMode>().Select(n => n.ToLowerInvariant()));
            throw new ArgumentException($"Unknown fault mode '{request.Mode}'; use one of {names}.");
        }

        if (mode == FaultMode.None)
        {
            Clear();
            return null;
        }

        if (request.Count is <= 0)
        {
            throw new ArgumentException("count must be at least 1; leave it out to keep the fault until cleared.");
        }

        var rule = new FaultRule
        {
            Id = Interlocked.Increment(ref _nextId),
            Mode = mode,
            Match = string.IsNullOrEmpty(request.Match)
                ? null
                : new Regex(request.Match, RegexOptions.CultureInvariant),
            Remaining = request.Count,
            DelayMs = request.DelayMs ?? (mode == FaultMode.Slow ? 5_000 : 0),
            RetryAfter = request.RetryAfter,
        };
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>
    /// Takes the first fault for a request; a wrong digest only concerns manifest answers.
    /// </summary>
    public FaultRule? TakeForRequest(string path, RequestKind kind) =>
        Take(rule => (rule.Match is null || rule.Match.IsMatch(path))
            && (rule.Mode != FaultMode.WrongDigest || kind == RequestKind.Manifest));

    /// <summary>
    /// Takes a down fault for a new connection; there is no path yet, so match does not apply.
    /// </summary>
    public bool TakeForConnection() => Take(rule => rule.Mode == FaultMode.Down) is not null;

    public IReadOnlyList<object> View()
    {
        lock (_gate)
        {
            return _rules.Select(r => r.View()).ToList();
        }
    }

    private FaultRule? Take(Func<FaultRule, bool> applies)
    {
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(applies);
            if (rule?.Remaining is int remaining)
            {
                rule.Remaining = remaining - 1;
                if (rule.Remaining == 0)
                {
                    _rules.Remove(rule);
                }
            }

            return rule;
        }
    }
}
