using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace OpenIm.PowerShell.Settings
{
    /// <summary>
    /// Reads and writes the user's registry file. Writes happen under a lock file and through a
    /// temporary file that replaces the old one, so two processes never lose each other's update and
    /// a crash never leaves a torn file.
    /// </summary>
    public sealed class RegistryStore
    {
        /// <summary>The environment variable that names another settings file.</summary>
        public const string ConfigVariable = "OPENIM_CONFIG";

        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };

        private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

        public RegistryStore(string path)
        {
            Path = path ?? throw new ArgumentNullException(nameof(path));
        }

        /// <summary>The settings file this store reads and writes.</summary>
        public string Path { get; }

        /// <summary>
        /// The store for <c>$env:OPENIM_CONFIG</c> when set, else the per-user default location.
        /// The variable is read on every call so a session can switch files.
        /// </summary>
        public static RegistryStore ForCurrentUser()
        {
            return new RegistryStore(ResolvePath());
        }

        /// <summary>The settings file path in effect now.</summary>
        public static string ResolvePath()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(ConfigVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return System.IO.Path.GetFullPath(fromEnvironment);
            }

            // Windows keeps roaming settings under AppData; elsewhere the XDG base directory applies.
            string root;
            if (IsWindows())
            {
                root = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
                return System.IO.Path.Combine(root, "OpenIm", "registries.json");
            }

            root = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (string.IsNullOrWhiteSpace(root))
            {
                root = System.IO.Path.Combine(
                    Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                    ".config");
            }

            return System.IO.Path.Combine(root, "openim", "registries.json");
        }

        /// <summary>Reads the file; a missing file is an empty one, a corrupt one an error naming it.</summary>
        public RegistrySettings Load()
        {
            string text;
            try
            {
                if (!File.Exists(Path))
                {
                    return new RegistrySettings();
                }

                text = File.ReadAllText(Path, Encoding.UTF8);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new OpenImException(
                    "SettingsReadFailed",
                    OpenImErrorKind.ReadError,
                    $"The settings file '{Path}' could not be read: {ex.Message}",
                    Path,
                    ex,
                    "Check the file's permissions, or point OPENIM_CONFIG at another file.");
            }

            return Parse(text);
        }

        /// <summary>
        /// Changes the file under the lock: reads the current content, lets <paramref name="change"/>
        /// modify it, and replaces the file atomically. A corrupt file is never overwritten.
        /// </summary>
        public T Update<T>(Func<RegistrySettings, T> change, CancellationToken cancellationToken = default)
        {
            if (change == null)
            {
                throw new ArgumentNullException(nameof(change));
            }

            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw WriteFailed(ex);
            }

            // The new content is written to a sibling file that only one process can create at a time,
            // then renamed over the settings file. Creating it takes the lock and the rename releases
            // it, so concurrent writers queue up, readers see the old or the new content, and no lock
            // file is left behind.
            var pending = Path + ".pending";
            var stream = AcquirePending(pending, cancellationToken);
            var renamed = false;
            try
            {
                T result;
                using (stream)
                {
                    var settings = Load();
                    result = change(settings);
                    var bytes = new UTF8Encoding(false).GetBytes(JsonSerializer.Serialize(
                        settings,
                        JsonOptions) + "\n");
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                if (File.Exists(Path))
                {
                    File.Replace(pending, Path, null);
                }
                else
                {
                    File.Move(pending, Path);
                }

                renamed = true;
                return result;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw WriteFailed(ex);
            }
            finally
            {
                if (!renamed)
                {
                    TryDelete(pending);
                }
            }
        }

        private RegistrySettings Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return new RegistrySettings();
            }

            try
            {
                var settings = JsonSerializer.Deserialize<RegistrySettings>(text, JsonOptions);
                if (settings == null)
                {
                    return new RegistrySettings();
                }

                if (settings.Registries == null)
                {
                    settings.Registries = new System.Collections.Generic.List<RegistryEntry>();
                }

                settings.Registries.RemoveAll(e => e == null);
                return settings;
            }
            catch (JsonException ex)
            {
                throw new OpenImException(
                    "SettingsFileCorrupt",
                    OpenImErrorKind.InvalidData,
                    $"The settings file '{Path}' is not valid OpenIm settings JSON " +
                    $"(line {(ex.LineNumber ?? 0) + 1}): {ex.Message}",
                    Path,
                    ex,
                    "Fix or delete the file; the built-in registries keep working without it.");
            }
        }

        private FileStream AcquirePending(string pending, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + LockTimeout;
            var vanished = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    return new FileStream(pending, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                }
                catch (IOException ex)
                {
                    // Usually another writer holds the pending file. It can also have been renamed away
                    // between the failed create and this check (a year-1601 time means no file): then
                    // the next attempt takes it at once; only a failure that keeps coming without any
                    // pending file is a real write error.
                    var written = File.GetLastWriteTimeUtc(pending);
                    if (written.Year <= 1601)
                    {
                        if (++vanished > 20)
                        {
                            throw WriteFailed(ex);
                        }

                        continue;
                    }

                    // A pending file that has not changed for a long time belongs to a writer that died
                    // between creating and renaming it; no live writer takes that long.
                    if (DateTime.UtcNow - written > StaleAfter)
                    {
                        TryDelete(pending);
                        continue;
                    }

                    if (DateTime.UtcNow > deadline)
                    {
                        throw new OpenImException(
                            "SettingsFileLocked",
                            OpenImErrorKind.ResourceBusy,
                            $"The settings file '{Path}' stayed locked by another process for " +
                            $"{LockTimeout.TotalSeconds} s (it is writing '{pending}').",
                            Path,
                            null,
                            "Retry when the other OpenIm command has finished.");
                    }

                    cancellationToken.WaitHandle.WaitOne(15);
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw WriteFailed(ex);
                }
            }
        }

        private OpenImException WriteFailed(Exception ex)
        {
            return new OpenImException(
                "SettingsWriteFailed",
                OpenImErrorKind.WriteError,
                $"The settings file '{Path}' could not be written: {ex.Message}",
                Path,
                ex,
                "Check the folder's permissions, or point OPENIM_CONFIG at a writable file.");
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // The temporary file is harmless if it stays; the error that matters is reported.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }

        private static bool IsWindows()
        {
            return System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(
                System.Runtime.InteropServices.OSPlatform.Windows);
        }
    }
}
