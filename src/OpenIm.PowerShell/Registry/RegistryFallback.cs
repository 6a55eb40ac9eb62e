using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// Tries registries in priority order and takes the first answer. Each registry that fails is
    /// reported (a warning, and the reason in Verbose) before the next one is tried.
    /// </summary>
    public static class RegistryFallback
    {
        public static async Task<KeyValuePair<OpenImRegistry, T>> FirstAsync<T>(
            IReadOnlyList<OpenImRegistry> registries,
            string what,
            Func<OpenImRegistry, Task<T>> attempt,
            IOpenImLog log,
            CancellationToken cancellationToken)
        {
            var failures = new List<RegistryException>();
            for (var i = 0; i < registries.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var registry = registries[i];
                try
                {
                    return new KeyValuePair<OpenImRegistry, T>(registry, await attempt(registry).ConfigureAwait(false));
                }
                catch (RegistryException ex) when (ex.AllowsFallback)
                {
                    failures.Add(ex);

                    // A fallback is worth a warning; the last failure is the error itself, not a warning too.
                    if (i + 1 < registries.Count)
                    {
                        var next = registries[i + 1].Name;
                        log.Warning($"{registry.Name} failed for {what} ({ex.ErrorId}); trying {next}.");
                    }

                    log.Verbose($"{registry.Name} failed for {what}: {ex.Reason}");
                }
            }

            throw AllFailed(what, failures);
        }

        private static OpenImException AllFailed(string what, IReadOnlyList<RegistryException> failures)
        {
            if (failures.Count == 1)
            {
                return failures[0];
            }

            // When every registry failed the same way, that cause is the error; otherwise say each.
            var ids = failures.Select(f => f.ErrorId).Distinct().ToList();
            var errorId = ids.Count == 1 ? ids[0] : "NoRegistryAnswered";
            var kind = ids.Count == 1 ? failures[0].Kind : OpenImErrorKind.ConnectionError;
            var reasons = string.Join("; ", failures.Select(f => $"{f.Registry.Name}: {f.Reason}"));
            return new OpenImException(
                errorId,
                kind,
                $"No registry could answer for {what}. {reasons}",
                what,
                failures.LastOrDefault(),
                "Check Test-OpenImRegistry, name a registry with -Registry, or register a mirror.");
        }
    }
}
