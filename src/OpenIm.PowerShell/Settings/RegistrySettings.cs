using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OpenIm.PowerShell.Settings
{
    /// <summary>
    /// The user's registry file: registries they registered, and changes to the built-in ones. An
    /// entry named like a built-in registry changes only the fields it sets.
    /// </summary>
    public sealed class RegistrySettings
    {
        /// <summary>The schema version of the file, so later versions can migrate it.</summary>
        [JsonPropertyName("version")]
        public int Version { get; set; } = 1;

        [JsonPropertyName("registries")]
        public List<RegistryEntry> Registries { get; set; } = new List<RegistryEntry>();
    }

    /// <summary>One registry in the user's file.</summary>
    public sealed class RegistryEntry
    {
        [JsonPropertyName("name")]
        public string Name { get; set; }

        [JsonPropertyName("uri")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string Uri { get; set; }

        [JsonPropertyName("namespace")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string Namespace { get; set; }

        [JsonPropertyName("priority")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Priority { get; set; }

        [JsonPropertyName("allowHttp")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool AllowHttp { get; set; }
    }
}
