using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// Filters items by -Name style patterns the way Get-* cmdlets do: wildcards select silently, and a
    /// literal name that matches nothing is reported back so the cmdlet can say so.
    /// </summary>
    internal static class NameFilter
    {
        private static readonly System.Text.RegularExpressions.Regex ImagePattern =
            new System.Text.RegularExpressions.Regex("^[A-Za-z0-9._*?\\[\\]-]{1,128}$");

        private static readonly System.Text.RegularExpressions.Regex RegistryPattern =
            new System.Text.RegularExpressions.Regex("^[A-Za-z0-9_*?\\[\\]-]{1,64}$");

        /// <summary>
        /// Checks image-name patterns before anything is listed: only the characters of image names and
        /// wildcards, and a wildcard that parses. Throws <c>InvalidImageName</c>.
        /// </summary>
        public static void CheckImagePatterns(string[] patterns)
        {
            Check(patterns, ImagePattern, "InvalidImageName", "an image name such as openim-server or openim-rpc-*");
        }

        /// <summary>Checks registry-name patterns the same way. Throws <c>InvalidRegistryName</c>.</summary>
        public static void CheckRegistryPatterns(string[] patterns)
        {
            Check(patterns, RegistryPattern, "InvalidRegistryName", "a registry name such as Ghcr or Ali*");
        }

        private static void Check(
            string[] patterns,
            System.Text.RegularExpressions.Regex allowed,
            string errorId,
            string example)
        {
            foreach (var pattern in patterns ?? Array.Empty<string>())
            {
                var valid = pattern != null && allowed.IsMatch(pattern);
                if (valid)
                {
                    try
                    {
                        WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase).IsMatch(string.Empty);
                    }
                    catch (WildcardPatternException)
                    {
                        valid = false;
                    }
                }

                if (!valid)
                {
                    throw new OpenImException(
                        errorId,
                        OpenImErrorKind.InvalidArgument,
                        $"'{Catalog.TagGrammar.Quote(pattern ?? string.Empty)}' is not a valid name or wildcard: " +
                            $"give {example}.",
                        pattern);
                }
            }
        }

        public static IReadOnlyList<T> Apply<T>(
            IEnumerable<T> items,
            Func<T, string> nameOf,
            string[] patterns,
            out IReadOnlyList<string> unmatchedLiterals)
        {
            var list = items.ToList();
            if (patterns == null || patterns.Length == 0)
            {
                unmatchedLiterals = Array.Empty<string>();
                return list;
            }

            var unmatched = new List<string>();
            var selected = new HashSet<T>();
            foreach (var pattern in patterns)
            {
                var wildcard = WildcardPattern.Get(
                    pattern,
                    WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                var hits = list.Where(i => wildcard.IsMatch(nameOf(i))).ToList();
                if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    unmatched.Add(pattern);
                }

                selected.UnionWith(hits);
            }

            unmatchedLiterals = unmatched;
            return list.Where(selected.Contains).ToList();
        }
    }
}
