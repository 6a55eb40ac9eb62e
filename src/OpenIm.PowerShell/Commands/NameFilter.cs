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
