using System.Formats.Tar;

namespace OpenIm.Lab.Seed;

/// <summary>
/// Keeps the backends' storage after a seed as one tar file, keyed by the seed's content, and
/// unpacks it into the next run's empty storage folders. Registry 2.8 without a cache section reads
/// storage on every request, so files unpacked before the first request are served as if they had
/// been pushed. One tar file rather than a folder tree, because creating and deleting thousands of
/// small files on disk costs seconds.
/// </summary>
internal sealed class SeedCache(string root)
{
    public bool TryRestore(string key, IReadOnlyList<StandInConfig> registries)
    {
        if (!registries.All(r => File.Exists(FileOf(key, r))))
        {
            return false;
        }

        try
        {
            Parallel.ForEach(registries, r => Unpack(FileOf(key, r), Path.GetFullPath(r.Storage)));
            return true;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is IOException or InvalidDataException))
        {
            // A damaged entry must not stop the lab: drop it and let the seeder push over the registry API,
            // which overwrites whatever the partial unpack left.
            LabLog.Write($"seed cache {key} is unusable ({e.InnerExceptions[0].Message}); seeding over HTTP");
            foreach (var registry in registries)
            {
                File.Delete(FileOf(key, registry));
            }

            return false;
        }
    }

    public void Save(string key, IReadOnlyList<StandInConfig> registries)
    {
        Directory.CreateDirectory(root);
        Parallel.ForEach(registries.Where(r => !File.Exists(FileOf(key, r))), r => Pack(r.Storage, FileOf(key, r)));

        // Older entries belong to seed definitions that changed; keeping one bounds the disk use.
        var current = registries.Select(r => FileOf(key, r)).ToHashSet();
        foreach (var old in Directory.EnumerateFiles(root, "seed-*.tar").Where(f => !current.Contains(f)))
        {
            File.Delete(old);
        }
    }

    private string FileOf(string key, StandInConfig registry) =>
        Path.Combine(root, $"seed-{key}-{registry.Name}.tar");

    private static void Pack(string storage, string file)
    {
        // Write beside the entry, then rename: a run that stops halfway must not leave a partial
        // entry behind. Gnu, not Pax: Pax adds an extended header to every entry, which slows
        // unpacking; Gnu adds one only for names over 100 characters.
        var partial = $"{file}.partial-{Environment.ProcessId}";
        try
        {
            using (var writer = new TarWriter(File.Create(partial), TarEntryFormat.Gnu, leaveOpen: false))
            {
                foreach (var path in Directory.EnumerateFileSystemEntries(storage, "*", SearchOption.AllDirectories))
                {
                    var name = Path.GetRelativePath(storage, path);
                    writer.WriteEntry(path, Directory.Exists(path) ? name + "/" : name);
                }
            }

            File.Move(partial, file, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Directories come before their files in the archive, so each file's folder already exists.
    /// </summary>
    private static void Unpack(string file, string storage)
    {
        using var reader = new TarReader(File.OpenRead(file));
        while (reader.GetNextEntry() is { } entry)
        {
            var destination = Path.GetFullPath(Path.Combine(storage, entry.Name));
            if (!destination.StartsWith(storage, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{file} holds {entry.Name}, outside the storage folder.");
            }

            if (entry.EntryType == TarEntryType.Directory)
            {
                Directory.CreateDirectory(destination);
            }
            else if (entry.DataStream is { } data)
            {
                using var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1);
                data.CopyTo(output);
            }
        }
    }
}
