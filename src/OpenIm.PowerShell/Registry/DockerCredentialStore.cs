using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// Reads credentials the way the docker CLI does: from <c>config.json</c> in <c>DOCKER_CONFIG</c>
    /// (else <c>~/.docker</c>), trying <c>credHelpers</c> for the host, then <c>credsStore</c>, then
    /// <c>auths</c>. Helpers run as <c>docker-credential-NAME get</c> with the server on stdin.
    /// </summary>
    public sealed class DockerCredentialStore
    {
        private static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(15);
        private readonly IOpenImLog _log;

        public DockerCredentialStore(IOpenImLog log)
        {
            _log = log ?? NullOpenImLog.Instance;
        }

        /// <summary>The folder of Docker's client configuration in effect now.</summary>
        public static string ConfigFolder()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return fromEnvironment;
            }

            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }

        /// <summary>The credential Docker holds for a registry, or null when it holds none.</summary>
        public RegistryCredential Find(OpenImRegistry registry)
        {
            var path = Path.Combine(ConfigFolder(), "config.json");
            if (!File.Exists(path))
            {
                return null;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
                {
                    AllowTrailingCommas = true,
                    CommentHandling = JsonCommentHandling.Skip,
                });
            }
            catch (Exception ex) when (ex is JsonException || ex is IOException || ex is UnauthorizedAccessException)
            {
                _log.Warning($"Docker's client configuration '{path}' could not be read ({ex.Message}); " +
                             "continuing without its credentials.");
                return null;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var keys = ServerKeys(registry);
                if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
                {
                    foreach (var key in keys)
                    {
                        if (helpers.TryGetProperty(key, out var helper) && helper.ValueKind == JsonValueKind.String)
                        {
                            return FromHelper(helper.GetString(), key);
                        }
                    }
                }

                if (root.TryGetProperty("credsStore", out var store)
                    && store.ValueKind == JsonValueKind.String
                    && !string.IsNullOrEmpty(store.GetString()))
                {
                    foreach (var key in keys)
                    {
                        var fromStore = FromHelper(store.GetString(), key);
                        if (fromStore != null)
                        {
                            return fromStore;
                        }
                    }
                }

                if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
                {
                    foreach (var key in keys)
                    {
                        if (auths.TryGetProperty(key, out var entry) && entry.ValueKind == JsonValueKind.Object)
                        {
                            var credential = FromAuthEntry(entry, key);
                            if (credential != null)
                            {
                                return credential;
                            }
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The keys Docker files a registry under: the host, the endpoint's host:port, with and without
        /// a scheme, and for Docker Hub the historic index URL.
        /// </summary>
        internal static IReadOnlyList<string> ServerKeys(OpenImRegistry registry)
        {
            var keys = new List<string>();
            void Add(string key)
            {
                if (!string.IsNullOrEmpty(key) && !keys.Contains(key))
                {
                    keys.Add(key);
                }
            }

            if (registry.IsBuiltIn && registry.Name == BuiltInRegistries.DockerHub && !registry.IsRedirected)
            {
                Add("https://index.docker.io/v1/");
                Add("index.docker.io");
                Add("docker.io");
                Add("registry-1.docker.io");
            }

            Add(registry.PullHost);
            Add(registry.Uri.Authority);
            Add(registry.Uri.GetLeftPart(UriPartial.Authority));
            Add(registry.Uri.GetLeftPart(UriPartial.Authority) + "/");
            Add("https://" + registry.Uri.Authority);
            return keys;
        }

        private RegistryCredential FromAuthEntry(JsonElement entry, string key)
        {
            if (entry.TryGetProperty("identitytoken", out var identity)
                && identity.ValueKind == JsonValueKind.String
                && !string.IsNullOrEmpty(identity.GetString()))
            {
                return new RegistryCredential(
                    string.Empty,
                    identity.GetString(),
                    "Docker config auths[" + key + "]",
                    true);
            }

            if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String)
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.GetString()));
                }
                catch (FormatException)
                {
                    _log.Warning($"Docker's config entry for '{key}' has an auth value that is not base64; ignored.");
                    return null;
                }

                var colon = decoded.IndexOf(':');
                if (colon <= 0)
                {
                    return null;
                }

                return new RegistryCredential(
                    decoded.Substring(0, colon),
                    decoded.Substring(colon + 1),
                    "Docker config auths[" + key + "]");
            }

            if (entry.TryGetProperty("username", out var user) && entry.TryGetProperty("password", out var password)
                && user.ValueKind == JsonValueKind.String && password.ValueKind == JsonValueKind.String)
            {
                return new RegistryCredential(
                    user.GetString(),
                    password.GetString(),
                    "Docker config auths[" + key + "]");
            }

            return null;
        }

        private RegistryCredential FromHelper(string helper, string server)
        {
            // Helper names come from the user's own config file; still, only plain names run.
            foreach (var c in helper)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
                {
                    _log.Warning($"Docker credential helper name '{helper}' is not a plain name; ignored.");
                    return null;
                }
            }

            var program = "docker-credential-" + helper;
            var start = new ProcessStartInfo(program, "get")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };

            try
            {
                using (var process = Process.Start(start))
                {
                    process.StandardInput.Write(server);
                    process.StandardInput.Close();
                    var output = process.StandardOutput.ReadToEndAsync();
                    var error = process.StandardError.ReadToEndAsync();
                    if (!process.WaitForExit((int)HelperTimeout.TotalMilliseconds))
                    {
                        TryKill(process);
                        _log.Warning($"The Docker credential helper '{program}' did not answer within " +
                                     $"{HelperTimeout.TotalSeconds} s; continuing without it.");
                        return null;
                    }

                    if (process.ExitCode != 0)
                    {
                        // "credentials not found" is the normal answer for a server the helper does not know.
                        _log.Verbose($"Docker credential helper '{program}' has no credential for {server}.");
                        return null;
                    }

                    return ParseHelperOutput(output.Result, program, server);
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                _log.Warning($"Docker's configuration names the credential helper '{program}', which is not " +
                             "installed; continuing without it.");
                return null;
            }
        }

        private RegistryCredential ParseHelperOutput(string output, string program, string server)
        {
            try
            {
                using (var document = JsonDocument.Parse(output))
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        _log.Warning($"The Docker credential helper '{program}' answered JSON that is not an object; " +
                                     "ignored.");
                        return null;
                    }

                    var user = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String
                        ? u.GetString()
                        : string.Empty;
                    var secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String
                        ? s.GetString()
                        : null;
                    if (string.IsNullOrEmpty(secret))
                    {
                        return null;
                    }

                    var isIdentity = user == "<token>";
                    return new RegistryCredential(
                        isIdentity ? string.Empty : user,
                        secret,
                        program + " for " + server,
                        isIdentity);
                }
            }
            catch (JsonException)
            {
                _log.Warning($"The Docker credential helper '{program}' answered something that is not JSON; ignored.");
                return null;
            }
        }

        private static void TryKill(Process process)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It ended on its own in the meantime.
            }
        }
    }
}
