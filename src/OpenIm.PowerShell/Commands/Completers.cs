using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;
using OpenIm.PowerShell.Settings;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>Completes registry names from the settings in force; never touches the network.</summary>
    public sealed class RegistryNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            var names = new RegistryDirectory(RegistryStore.ForCurrentUser()).GetAll(out _).Select(r => r.Name);
            return CompletionText.Match(names, wordToComplete);
        }
    }

    /// <summary>Completes image names from the catalog.</summary>
    public sealed class ImageNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            return CompletionText.Match(ImageCatalog.All.Select(i => i.Name), wordToComplete);
        }
    }

    /// <summary>
    /// Completes tags from a short-lived cache of the image's tag list. A cold cache gets about a second
    /// to fill from the registries; past that, completion offers nothing rather than block the prompt.
    /// </summary>
    public sealed class TagCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);
        private static readonly ConcurrentDictionary<string, Task<IReadOnlyList<string>>> Cache =
            new ConcurrentDictionary<string, Task<IReadOnlyList<string>>>();

        private static readonly ConcurrentDictionary<string, DateTime> Filled =
            new ConcurrentDictionary<string, DateTime>();

        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            var image = fakeBoundParameters?["Image"] as string ?? ImageCatalog.Defaults.First().Name;
            if (ImageCatalog.Find(image) == null)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            var key = image.ToLowerInvariant();
            if (Filled.TryGetValue(key, out var when) && DateTime.UtcNow - when > Lifetime)
            {
                Cache.TryRemove(key, out _);
                Filled.TryRemove(key, out _);
            }

            var task = Cache.GetOrAdd(key, k => Task.Run(() => FetchAsync(k)));
            if (!task.Wait(Patience) || task.IsFaulted)
            {
                if (task.IsFaulted)
                {
                    Cache.TryRemove(key, out _);
                }

                return Enumerable.Empty<CompletionResult>();
            }

            Filled.TryAdd(key, DateTime.UtcNow);
            return CompletionText.Match(task.Result, wordToComplete);
        }

        private static async Task<IReadOnlyList<string>> FetchAsync(string image)
        {
            var registries = new RegistryDirectory(RegistryStore.ForCurrentUser()).GetAll(out _);
            var client = new RegistryClient(RegistrySession.Shared, NullOpenImLog.Instance);
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                var found = await RegistryFallback.FirstAsync(
                    registries,
                    image,
                    r => client.ListTagsAsync(r, image, timeout.Token),
                    NullOpenImLog.Instance,
                    timeout.Token).ConfigureAwait(false);
                return TagGrammar.SortNewestFirst(found.Value.Select(TagInfo.Classify)).Select(t => t.Tag).ToArray();
            }
        }
    }

    /// <summary>Shared matching and quoting for the completers.</summary>
    internal static class CompletionText
    {
        public static IEnumerable<CompletionResult> Match(IEnumerable<string> candidates, string wordToComplete)
        {
            // The word may arrive with the user's opening quote; match on what is inside it.
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            foreach (var candidate in candidates.Where(c => pattern.IsMatch(c)))
            {
                var text = candidate.IndexOfAny(new[] { ' ', '\'', '"', '$', '`' }) >= 0
                    ? "'" + candidate.Replace("'", "''") + "'"
                    : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, candidate);
            }
        }
    }
}
