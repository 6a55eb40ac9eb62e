using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// The base of the cmdlets that ask registries: input checks that run before any request, the
    /// registry selection, credentials, and one registry client per call.
    /// </summary>
    public abstract class RegistryCommand : OpenImCmdlet
    {
        // The one registry -Credential is meant for, settled by SelectRegistries.
        private string _credentialRegistry;

        // A single -Registry given on the command line (not bound from pipeline objects).
        private string _commandLineRegistry;

        /// <summary>
        /// Credentials for the registry named by -Registry. Without it: the registry's credential in
        /// Docker's config (helpers, credsStore, auths), else anonymous.
        /// </summary>
        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        protected override void BeginProcessing()
        {
            // Only here are the bound parameters the command line's alone; pipeline objects bind later.
            if (MyInvocation.BoundParameters.TryGetValue("Registry", out var bound) && bound is string name)
            {
                _commandLineRegistry = name;
            }
        }

        /// <summary>The built-in default images, or the named ones checked against the catalog.</summary>
        protected static IReadOnlyList<OpenImImageDefinition> ResolveImages(IEnumerable<string> names)
        {
            var list = names?.Where(n => n != null).ToList();
            if (list == null || list.Count == 0)
            {
                return ImageCatalog.Defaults.ToList();
            }

            var result = new List<OpenImImageDefinition>();
            foreach (var name in list)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = ParseWildcard(name, IsImageNameCharacter, "InvalidImageName", "image name");
                    result.AddRange(ImageCatalog.All.Where(i => pattern.IsMatch(i.Name)));
                    continue;
                }

                result.Add(ResolveImage(name));
            }

            return result.Distinct().ToList();
        }

        /// <summary>One image name checked for syntax, then against the catalog.</summary>
        protected static OpenImImageDefinition ResolveImage(string name)
        {
            var lowered = name?.ToLowerInvariant();
            if (string.IsNullOrEmpty(lowered) || !TagGrammar.IsValidRepositoryName(lowered) || lowered.Contains("/"))
            {
                throw new OpenImException(
                    "InvalidImageName",
                    OpenImErrorKind.InvalidArgument,
                    $"'{TagGrammar.Quote(name ?? string.Empty)}' is not a valid image name: use lowercase letters, " +
                    "digits and '-', such as openim-server.",
                    name);
            }

            return ImageCatalog.Find(lowered) ?? throw GetOpenImImageCommand.UnknownImage(name);
        }

        /// <summary>Checks a tag's syntax before any request.</summary>
        protected static string CheckTag(string tag)
        {
            if (!TagGrammar.IsValidTag(tag))
            {
                throw new OpenImException(
                    "InvalidTag",
                    OpenImErrorKind.InvalidArgument,
                    $"'{TagGrammar.Quote(tag ?? string.Empty)}' is not a valid tag: up to 128 letters, digits, '_', " +
                        $"'.' " +
                    "and '-', not starting with '.' or '-'.",
                    tag);
            }

            return tag;
        }

        /// <summary>Checks an optional digest before any request; null when none was given.</summary>
        protected static string CheckDigest(string digest)
        {
            if (string.IsNullOrEmpty(digest))
            {
                return null;
            }

            if (!TagGrammar.IsValidDigest(digest))
            {
                throw new OpenImException(
                    "InvalidDigest",
                    OpenImErrorKind.InvalidArgument,
                    $"'{TagGrammar.Quote(digest)}' is not a sha256 digest.",
                    digest);
            }

            return digest;
        }

        /// <summary>Parses -Platform before any request.</summary>
        protected static PlatformSpec ParsePlatform(string text)
        {
            if (text == null)
            {
                return null;
            }

            try
            {
                return PlatformSpec.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new OpenImException("InvalidPlatform", OpenImErrorKind.InvalidArgument, ex.Message, text, ex);
            }
        }

        /// <summary>Parses -Version before any request.</summary>
        protected static VersionRange ParseVersionRange(string text)
        {
            if (text == null)
            {
                return null;
            }

            try
            {
                return VersionRange.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new OpenImException("InvalidVersionRange", OpenImErrorKind.InvalidArgument, ex.Message, text, ex);
            }
        }

        /// <summary>
        /// The registries to ask, in priority order: all of them when <paramref name="patterns"/> is
        /// empty, else those matching the names or wildcards. An unknown literal name is an error.
        /// </summary>
        protected IReadOnlyList<OpenImRegistry> SelectRegistries(string[] patterns)
        {
            var all = Registries.GetAll(out var settingsError);
            if (settingsError != null)
            {
                WriteError(ToErrorRecord(settingsError));
            }

            // Names are checked before matching: the match ignores characters such as NUL or a zero-width
            // space, so "Gh\u200Bcr" would otherwise select Ghcr.
            foreach (var pattern in patterns ?? Array.Empty<string>())
            {
                if (pattern != null)
                {
                    ParseWildcard(pattern, IsRegistryNameCharacter, "InvalidRegistryName", "registry name");
                }
            }

            var selected = NameFilter.Apply(all, r => r.Name, patterns, out var unknown);
            if (unknown.Count > 0)
            {
                throw new OpenImException(
                    "RegistryNotFound",
                    OpenImErrorKind.NotFound,
                    $"There is no registry named '{TagGrammar.Quote(unknown[0])}'. Known registries: " +
                    string.Join(", ", all.Select(r => r.Name)) + ".",
                    unknown[0],
                    null,
                    "Run Get-OpenImRegistry to list them.");
            }

            if (selected.Count == 0)
            {
                throw new OpenImException(
                    "RegistryNotFound",
                    OpenImErrorKind.NotFound,
                    $"No registry matches '{string.Join("', '", patterns)}'.",
                    patterns,
                    null,
                    "Run Get-OpenImRegistry to list them.");
            }

            if (Credential != null)
            {
                // A credential meant for one registry must never be sent to another one.
                var target = CredentialTarget(all, selected, patterns) ?? throw new OpenImException(
                    "CredentialNeedsOneRegistry",
                    OpenImErrorKind.InvalidArgument,
                    "-Credential applies to exactly one registry; name it with -Registry.",
                    patterns,
                    null,
                    "Add -Registry <name>, or let Docker's config supply credentials per registry.");
                _credentialRegistry = target.Name;
            }

            return selected;
        }

        /// <summary>A registry client for this call, writing its log through the bridge.</summary>
        protected RegistryClient CreateClient(IOpenImLog log)
        {
            RegistryCredential credential = null;
            if (Credential != null)
            {
                if (_credentialRegistry == null)
                {
                    throw new OpenImException(
                        "CredentialNeedsOneRegistry",
                        OpenImErrorKind.InvalidArgument,
                        "-Credential applies to exactly one registry; name it with -Registry.",
                        null,
                        null,
                        "Add -Registry <name>, or let Docker's config supply credentials per registry.");
                }

                credential = new RegistryCredential(
                    Credential.UserName,
                    Credential.GetNetworkCredential().Password,
                    "-Credential");
            }

            return new RegistryClient(RegistrySession.Shared, log, credential, _credentialRegistry);
        }

        /// <summary>
        /// The one registry a -Credential is for: the only one selected, or, for commands that ask every
        /// registry in turn (pulls, manifests), the single registry their -Registry names on the command
        /// line; else null.
        /// </summary>
        private OpenImRegistry CredentialTarget(
            IReadOnlyList<OpenImRegistry> all,
            IReadOnlyList<OpenImRegistry> selected,
            string[] patterns)
        {
            if (selected.Count == 1)
            {
                return selected[0];
            }

            // A -Registry bound from pipeline objects does not count: the objects may name several.
            var name = _commandLineRegistry;
            if (patterns != null || name == null || WildcardPattern.ContainsWildcardCharacters(name))
            {
                return null;
            }

            return all.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>
        /// A name or wildcard pattern checked before use: only the ASCII characters a name may hold plus
        /// * ? [ ], and brackets that close; anything else is <paramref name="errorId"/>, not a silent
        /// empty match or a look-alike that matches.
        /// </summary>
        private static WildcardPattern ParseWildcard(string text, Func<char, bool> allowed, string errorId, string what)
        {
            WildcardPattern pattern = null;
            var valid = text.Length <= 256 && text.All(c => allowed(c) || c == '*' || c == '?' || c == '[' || c == ']');
            if (valid)
            {
                try
                {
                    // The pattern is parsed on first use; a bracket that never closes fails there.
                    pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                    pattern.IsMatch(string.Empty);
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
                    $"'{TagGrammar.Quote(text)}' is not a valid {what}: use ASCII letters, digits and '-', with the " +
                    "wildcards * and ? or a closed [ ] set.",
                    text);
            }

            return pattern;
        }

        private static bool IsImageNameCharacter(char c)
        {
            return IsRegistryNameCharacter(c) || c == '.';
        }

        private static bool IsRegistryNameCharacter(char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        }

        /// <summary>Reports one item's failure without stopping the call.</summary>
        protected static void ReportItemError(PipelineBridge bridge, OpenImException exception)
        {
            bridge.Error(exception);
        }
    }
}
