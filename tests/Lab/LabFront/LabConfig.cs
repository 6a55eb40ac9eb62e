using System.Text.Json;

namespace OpenIm.Lab;

/// <summary>The three registries the lab stands in for.</summary>
internal enum StandIn
{
    Ghcr,
    Aliyun,
    DockerHub,
}

/// <summary>
/// The run's settings, written by Lab.psm1 before it starts the front and the seeder.
/// </summary>
internal sealed class LabConfig
{
    /// <summary>Loopback port of the admin API.</summary>
    public int AdminPort { get; set; }

    /// <summary>The user that private repositories accept.</summary>
    public string User { get; set; } = "openim-lab";

    /// <summary>That user's password, random per run.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// Seed over the registry API instead of writing storage directly; slow, the reference to compare with.
    /// </summary>
    public bool SeedOverApi { get; set; }

    /// <summary>Where the seeder writes what it did, for lab.json.</summary>
    public string? SeedSummaryPath { get; set; }

    /// <summary>The stand-ins, one per real registry.</summary>
    public List<StandInConfig> Registries { get; set; } = [];

    public static LabConfig Load(string path)
    {
        var config = JsonSerializer.Deserialize<LabConfig>(File.ReadAllText(path), Json.Options)
            ?? throw new InvalidDataException($"{path} holds no lab configuration.");
        if (config.Registries.Count == 0)
        {
            throw new InvalidDataException($"{path} names no registries.");
        }

        return config;
    }
}

/// <summary>One stand-in: the front's port and the open registry behind it.</summary>
internal sealed class StandInConfig
{
    public StandIn Name { get; set; }

    /// <summary>Loopback port the front listens on; clients only ever talk to this one.</summary>
    public int Port { get; set; }

    /// <summary>Base URI of the backend registry, e.g. http://127.0.0.1:5001.</summary>
    public string Backend { get; set; } = "";

    /// <summary>
    /// The backend's filesystem storage root, which the seeder writes directly.
    /// </summary>
    public string Storage { get; set; } = "";

    /// <summary>The namespace OpenIM uses there: openimsdk, or openim on Docker Hub.</summary>
    public string Namespace { get; set; } = "";

    public int LatencyMs { get; set; }

    public long BandwidthBytesPerSecond { get; set; }
}

/// <summary>One set of JSON options for config, admin bodies and answers: camelCase everywhere.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        return options;
    }
}
