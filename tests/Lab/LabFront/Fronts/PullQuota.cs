namespace OpenIm.Lab.Fronts;

/// <summary>
/// Settings for a pull quota as the admin API receives them; absent values stay as they are.
/// </summary>
internal sealed record RateLimitRequest(int? Limit, int? Remaining, int? WindowSeconds, int? RetryAfter);

/// <summary>The pull quota of one stand-in at a moment, as sent in ratelimit-* headers.</summary>
internal readonly record struct QuotaState(
    bool Allowed,
    int Limit,
    int Remaining,
    int WindowSeconds,
    int RetryAfter);

/// <summary>Docker Hub's pull limit: manifest GETs count; a used quota answers 429 until the window ends.</summary>
internal sealed class PullQuota
{
    public const int DefaultWindowSeconds = 21_600;

    private readonly Lock _gate = new();
    private readonly int _defaultLimit;
    private int _limit;
    private int _remaining;
    private int _windowSeconds;
    private int? _retryAfter;
    private DateTimeOffset _windowStart;

    public PullQuota(int defaultLimit)
    {
        _defaultLimit = defaultLimit;
        Reset();
    }

    /// <summary>A limit of 0 turns counting off, as on registries without a pull quota.</summary>
    public bool Enabled
    {
        get
        {
            lock (_gate)
            {
                return _limit > 0;
            }
        }
    }

    /// <summary>
    /// Counts one pull when quota is left; the answer carries what the headers report.
    /// </summary>
    public QuotaState Count() => Read(consume: true);

    /// <summary>Reports the quota without counting, as HEAD requests do.</summary>
    public QuotaState Peek() => Read(consume: false);

    public void Set(RateLimitRequest request)
    {
        lock (_gate)
        {
            _limit = Math.Max(0, request.Limit ?? _limit);
            _windowSeconds = Math.Max(1, request.WindowSeconds ?? _windowSeconds);
            _remaining = Math.Clamp(request.Remaining ?? (request.Limit is null ? _remaining : _limit), 0, _limit);
            _retryAfter = request.RetryAfter ?? _retryAfter;
            _windowStart = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>Back to the stand-in's own limit with a full quota.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _limit = _defaultLimit;
            _remaining = _defaultLimit;
            _windowSeconds = DefaultWindowSeconds;
            _retryAfter = null;
            _windowStart = DateTimeOffset.UtcNow;
        }
    }

    public object View()
    {
        var state = Peek();
        return new { state.Limit, state.Remaining, state.WindowSeconds, RetryAfter = _retryAfter };
    }

    private QuotaState Read(bool consume)
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (now - _windowStart >= TimeSpan.FromSeconds(_windowSeconds))
            {
                _remaining = _limit;
                _windowStart = now;
            }

            var allowed = _remaining > 0;
            if (consume && allowed)
            {
                _remaining--;
            }

            // Without a set value, the wait is the rest of the window, as Docker Hub reports it.
            var left = (int)Math.Ceiling((_windowStart.AddSeconds(_windowSeconds) - now).TotalSeconds);
            return new QuotaState(allowed, _limit, _remaining, _windowSeconds, _retryAfter ?? Math.Max(1, left));
        }
    }
}
