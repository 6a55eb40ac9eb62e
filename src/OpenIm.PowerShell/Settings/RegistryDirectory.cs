using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Settings
{
    /// <summary>
    /// The registries in effect: the built-in ones with the user's changes applied, plus the ones the
    /// user registered, in priority order. Also performs the changes that the Register, Set and
    /// Unregister cmdlets ask for.
    /// </summary>
    public sealed class RegistryDirectory
    {
        private readonly RegistryStore _store;
        private readonly CancellationToken _cancellationToken;

        /// <summary>
        /// The registries of <paramref name="store"/>. A change waits for another process's write to
        /// finish; <paramref name="cancellationToken"/> (a cmdlet's Ctrl+C) ends that wait.
        /// </summary>
        public RegistryDirectory(RegistryStore store, CancellationToken cancellationToken = default)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _cancellationToken = cancellationToken;
        }

        /// <summary>The settings file behind this directory.</summary>
        public string SettingsPath => _store.Path;

        /// <summary>
        /// Every registry in priority order. When the settings file is corrupt, the built-in registries
        /// are still returned and <paramref name="settingsError"/> says what is wrong with the file.
        /// </summary>
        public IReadOnlyList<OpenImRegistry> GetAll(out OpenImException settingsError)
        {
            settingsError = null;
            RegistrySettings settings;
            try
            {
                settings = _store.Load();
            }
            catch (OpenImException ex)
            {
                settingsError = ex;
                settings = new RegistrySettings();
            }

            return Merge(settings);
        }

        /// <summary>Every registry in priority order; a corrupt settings file is an error.</summary>
        public IReadOnlyList<OpenImRegistry> GetAll()
        {
            return Merge(_store.Load());
        }

        /// <summary>Adds a registry; the name must not be taken by a built-in or registered one.</summary>
        public OpenImRegistry Register(string name, string uri, string @namespace, int? priority, bool allowHttp)
        {
            RegistryValidation.Name(name);
            var endpoint = RegistryValidation.Endpoint(uri, allowHttp);
            RegistryValidation.Namespace(@namespace);
            var effectivePriority = RegistryValidation.Priority(priority ?? 50);

            return _store.Update(settings =>
            {
                if (BuiltInRegistries.Find(name) != null || FindEntry(settings, name) != null)
                {
                    throw new OpenImException(
                        "RegistryAlreadyExists",
                        OpenImErrorKind.AlreadyExists,
                        $"A registry named '{name}' already exists.",
                        name,
                        null,
                        "Choose another name, or change the existing one with Set-OpenImRegistry.");
                }

                settings.Registries.Add(new RegistryEntry
                {
                    Name = name,
                    Uri = endpoint.ToString(),
                    Namespace = @namespace,
                    Priority = effectivePriority,
                    AllowHttp = allowHttp,
                });
                return Merge(settings).First(r => NameEquals(r.Name, name));
            }, _cancellationToken);
        }

        /// <summary>
        /// Changes a registry. For a built-in one the change is stored as an override, so that
        /// <paramref name="reset"/> can restore the shipped endpoint, namespace and priority.
        /// </summary>
        public OpenImRegistry Change(
            string name,
            string uri,
            string @namespace,
            int? priority,
            bool? allowHttp,
            bool reset)
        {
            RegistryValidation.Name(name);
            if (@namespace != null)
            {
                RegistryValidation.Namespace(@namespace);
            }

            if (priority.HasValue)
            {
                RegistryValidation.Priority(priority.Value);
            }

            var builtIn = BuiltInRegistries.Find(name);
            return _store.Update(settings =>
            {
                var entry = FindEntry(settings, name);
                if (builtIn == null && entry == null)
                {
                    throw NotFound(name, settings);
                }

                if (reset)
                {
                    if (builtIn == null)
                    {
                        throw new OpenImException(
                            "ResetNotApplicable",
                            OpenImErrorKind.InvalidOperation,
                            $"'{name}' is not a built-in registry, so there is nothing to reset it to.",
                            name,
                            null,
                            "Use Unregister-OpenImRegistry to remove it, or Set-OpenImRegistry to change it.");
                    }

                    settings.Registries.RemoveAll(e => NameEquals(e.Name, name));
                    entry = null;
                }

                if (uri != null || @namespace != null || priority.HasValue || allowHttp.HasValue)
                {
                    if (entry == null)
                    {
                        entry = new RegistryEntry { Name = builtIn.Name };
                        settings.Registries.Add(entry);
                    }

                    var httpAllowed = allowHttp ?? entry.AllowHttp;
                    var endpointText = uri ?? entry.Uri ?? builtIn?.Uri.ToString();
                    entry.Uri = RegistryValidation.Endpoint(endpointText, httpAllowed).ToString();
                    entry.Namespace = @namespace ?? entry.Namespace;
                    entry.Priority = priority ?? entry.Priority;
                    entry.AllowHttp = httpAllowed;

                    // An override that restores every shipped value is no override: drop it.
                    if (builtIn != null && IsNoChange(entry, builtIn))
                    {
                        settings.Registries.Remove(entry);
                    }
                }

                return Merge(settings).First(r => NameEquals(r.Name, name));
            }, _cancellationToken);
        }

        /// <summary>Removes a registered registry. Built-in registries can only be reset.</summary>
        public OpenImRegistry Unregister(string name)
        {
            RegistryValidation.Name(name);
            if (BuiltInRegistries.Find(name) != null)
            {
                throw new OpenImException(
                    "BuiltInRegistryCannotBeRemoved",
                    OpenImErrorKind.InvalidOperation,
                    $"'{name}' is built in and cannot be unregistered.",
                    name,
                    null,
                    $"Use 'Set-OpenImRegistry {name} -Priority <n>' to try it later, or -Reset to undo changes to it.");
            }

            return _store.Update(settings =>
            {
                var before = Merge(settings).FirstOrDefault(r => NameEquals(r.Name, name));
                if (before == null)
                {
                    throw NotFound(name, settings);
                }

                settings.Registries.RemoveAll(e => NameEquals(e.Name, name));
                return before;
            }, _cancellationToken);
        }

        /// <summary>The registry with this name, or a <c>RegistryNotFound</c> error listing the known ones.</summary>
        public OpenImRegistry Get(string name)
        {
            var all = GetAll();
            var found = all.FirstOrDefault(r => NameEquals(r.Name, name));
            if (found == null)
            {
                throw NotFound(name, all.Select(r => r.Name));
            }

            return found;
        }

        private static OpenImException NotFound(string name, RegistrySettings settings)
        {
            return NotFound(name, Merge(settings).Select(r => r.Name));
        }

        private static OpenImException NotFound(string name, IEnumerable<string> known)
        {
            return new OpenImException(
                "RegistryNotFound",
                OpenImErrorKind.NotFound,
                $"There is no registry named '{RegistryValidation.Printable(name)}'. Known registries: " +
                string.Join(", ", known) + ".",
                name,
                null,
                "Run Get-OpenImRegistry to list them, or Register-OpenImRegistry to add one.");
        }

        private static IReadOnlyList<OpenImRegistry> Merge(RegistrySettings settings)
        {
            var result = new List<OpenImRegistry>();
            foreach (var builtIn in BuiltInRegistries.All)
            {
                var entry = FindEntry(settings, builtIn.Name);
                if (entry == null)
                {
                    result.Add(builtIn);
                    continue;
                }

                result.Add(new OpenImRegistry(
                    builtIn.Name,
                    builtIn.Host,
                    ParseStored(entry.Uri) ?? builtIn.Uri,
                    entry.Namespace ?? builtIn.Namespace,
                    entry.Priority ?? builtIn.Priority,
                    RegistrySource.BuiltInChanged,
                    entry.AllowHttp,
                    builtIn.DefaultUri));
            }

            foreach (var entry in settings.Registries)
            {
                if (BuiltInRegistries.Find(entry.Name) != null || !IsUsable(entry))
                {
                    continue;
                }

                var uri = ParseStored(entry.Uri);
                result.Add(new OpenImRegistry(
                    entry.Name,
                    uri.Authority,
                    uri,
                    entry.Namespace,
                    entry.Priority ?? 50,
                    RegistrySource.User,
                    entry.AllowHttp));
            }

            // Ties keep the built-in order first, then registration order: OrderBy is stable.
            return result.OrderBy(r => r.Priority).ToArray();
        }

        private static bool IsUsable(RegistryEntry entry)
        {
            // Entries edited by hand into something invalid are skipped rather than breaking every command.
            var uri = ParseStored(entry.Uri);
            return !string.IsNullOrEmpty(entry.Name)
                && uri != null
                && !string.IsNullOrEmpty(entry.Namespace)
                && (uri.Scheme == System.Uri.UriSchemeHttps || entry.AllowHttp || RegistryValidation.IsLoopback(uri));
        }

        private static Uri ParseStored(string uri)
        {
            return System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
                && (parsed.Scheme == System.Uri.UriSchemeHttp || parsed.Scheme == System.Uri.UriSchemeHttps)
                ? parsed
                : null;
        }

        private static bool IsNoChange(RegistryEntry entry, OpenImRegistry builtIn)
        {
            return (entry.Uri == null || ParseStored(entry.Uri) == builtIn.Uri)
                && (entry.Namespace == null || entry.Namespace == builtIn.Namespace)
                && (entry.Priority == null || entry.Priority == builtIn.Priority)
                && !entry.AllowHttp;
        }

        private static RegistryEntry FindEntry(RegistrySettings settings, string name)
        {
            return settings.Registries.FirstOrDefault(e => NameEquals(e.Name, name));
        }

        private static bool NameEquals(string a, string b)
        {
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }
    }
}
