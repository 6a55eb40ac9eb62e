using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using OpenIm.PowerShell.Catalog;
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
