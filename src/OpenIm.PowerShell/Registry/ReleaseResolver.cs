using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// Resolves a consistent OpenIM deployment set: the server of a line and the chat that pairs with
    /// it (server 3.Y with chat 1.Y), and optionally the web and admin front ends from their release
    /// tags. The newest tags are taken from the first registry in priority order that answers; every
    /// member must then exist on the chosen registry (and for the platform, when given), or the set is
    /// refused with the nearest alternative named.
    /// </summary>
    public sealed class ReleaseResolver
    {
        private readonly TagQuery _query;
        private readonly IOpenImLog _log;

        public ReleaseResolver(TagQuery query, IOpenImLog log)
        {
            _query = query;
            _log = log ?? NullOpenImLog.Instance;
        }

        /// <summary>The chat minor that pairs with a server minor: 3.Y with 1.Y.</summary>
        public static int ChatMinorFor(OpenImVersion server) => server.Minor;

        /// <summary>
        /// The set for a line (<paramref name="line"/> such as 3.8, or null for the newest line), using
        /// version tags, or release-branch tags when <paramref name="channel"/> is Release. Members that
        /// do not exist where they must are reported through <paramref name="onMissing"/>, and then the
        /// result is empty: never half a set.
        /// </summary>
        public async Task<IReadOnlyList<OpenImReleaseMember>> ResolveAsync(
            OpenImVersion line,
            OpenImChannel channel,
            IReadOnlyList<OpenImRegistry> registries,
            OpenImRegistry chosen,
            PlatformSpec platform,
            bool includeFrontEnd,
            Action<OpenImException> onError,
            CancellationToken cancellationToken)
        {
            var server = await NewestAsync(
                "openim-server",
                channel,
                registries,
                v => line == null || SameLine(v, line.Major, line.Minor),
                onError,
                cancellationToken)
                .ConfigureAwait(false);
            if (server == null)
            {
                onError(new OpenImException(
                    "ReleaseNotFound",
                    OpenImErrorKind.NotFound,
                    line == null
                        ? $"No {channel} tag of openim-server was found."
                        : $"No {channel} tag of openim-server {line.Major}.{line.Minor} was found.",
                    line?.ToString(),
                    null,
                    "List the lines with: Get-OpenImTag openim-server -All -Channel Version"));
                return Array.Empty<OpenImReleaseMember>();
            }

            var release = server.Version.Major.ToString(CultureInfo.InvariantCulture) + "." +
                          server.Version.Minor.ToString(CultureInfo.InvariantCulture);
            var chatMinor = ChatMinorFor(server.Version);
            _log.Verbose($"Release {release}: server {server.Tag}; chat pairs as 1.{chatMinor}.");

            var wanted = new List<Wanted>
            {
                new Wanted(ReleaseRole.Server, server),
            };
            var chat = await NewestAsync(
                "openim-chat",
                channel,
                registries,
                v => SameLine(v, 1, chatMinor),
                onError,
                cancellationToken)
                .ConfigureAwait(false);
            wanted.Add(new Wanted(ReleaseRole.Chat, chat, "openim-chat", $"1.{chatMinor}"));
            if (includeFrontEnd)
            {
                // Front ends are published as release branches only.
                var web = await NewestAsync("openim-web-front", OpenImChannel.Release, registries,
                    v => SameLine(v, server.Version.Major, server.Version.Minor), onError, cancellationToken)
                        .ConfigureAwait(false);
                wanted.Add(new Wanted(ReleaseRole.WebFront, web, "openim-web-front", release));
                var admin = await NewestAsync("openim-admin-front", OpenImChannel.Release, registries,
                    v => SameLine(v, 1, chatMinor), onError, cancellationToken).ConfigureAwait(false);
                wanted.Add(new Wanted(ReleaseRole.AdminFront, admin, "openim-admin-front", $"1.{chatMinor}"));
            }

            // With a registry named, every member must be there. Without one, the first registry in
            // priority order that holds the whole set is used (ghcr.io, for example, lacks the front ends).
            var targets = chosen != null
                ? new[] { chosen }
                : new[] { server.RegistryInfo }.Concat(
                    registries.Where(r => r.Name != server.RegistryInfo.Name)).ToArray();
            List<OpenImException> firstProblems = null;
            foreach (var target in targets)
            {
                var problems = new List<OpenImException>();
                var members = new List<OpenImReleaseMember>();
                foreach (var item in wanted)
                {
                    var member = await CheckAsync(
                        release,
                        item,
                        channel,
                        target,
                        platform,
                        problems.Add,
                        cancellationToken)
                        .ConfigureAwait(false);
                    if (member != null)
                    {
                        members.Add(member);
                    }
                }

                if (problems.Count == 0)
                {
                    return members;
                }

                firstProblems = firstProblems ?? problems;
                _log.Verbose($"Release {release} is incomplete on {target.Name}: " +
                             string.Join(" ", problems.Select(p => p.Message)));
            }

            foreach (var problem in firstProblems ?? new List<OpenImException>())
            {
                onError(problem);
            }

            return Array.Empty<OpenImReleaseMember>();
        }

        private static bool SameLine(OpenImVersion version, int major, int minor)
        {
            return version != null && version.Major == major && version.Minor == minor;
        }

        private async Task<OpenImTag> NewestAsync(
            string image,
            OpenImChannel channel,
            IReadOnlyList<OpenImRegistry> registries,
            Func<OpenImVersion, bool> inLine,
            Action<OpenImException> onError,
            CancellationToken cancellationToken)
        {
            var listings = await _query.ListAsync(image, registries, false, onError, cancellationToken)
                .ConfigureAwait(false);
            var listing = listings.FirstOrDefault();
            if (listing == null)
            {
                return null;
            }

            var best = listing.Tags
                .Where(t => t.Channel == channel && !t.IsPreRelease && inLine(t.Version))
                .OrderBy(t => t, TagComparer.NewestFirst)
                .FirstOrDefault();
            return best == null ? null : new OpenImTag(image, listing.Registry, best);
        }

        private async Task<OpenImReleaseMember> CheckAsync(
            string release,
            Wanted item,
            OpenImChannel channel,
            OpenImRegistry target,
            PlatformSpec platform,
            Action<OpenImException> onError,
            CancellationToken cancellationToken)
        {
            if (item.Tag == null)
            {
                onError(Missing(
                    release,
                    item.Role,
                    $"{item.Image} {item.Line} has no {channel} tag on any registry.",
                    null,
                    null));
                return null;
            }

            // The member must exist on the target registry itself, not only where its tag was found.
            IReadOnlyList<TagInfo> there;
            try
            {
                var tags = await _query.Client.ListTagsAsync(target, item.Tag.Image, cancellationToken)
                    .ConfigureAwait(false);
                there = tags.Select(TagInfo.Classify).ToArray();
            }
            catch (RegistryException ex)
            {
                onError(ex);
                return null;
            }

            var candidates = there
                .Where(t => t.Channel == channel && !t.IsPreRelease && t.Version != null
                    && t.Version.Major == item.Tag.Version.Major && t.Version.Minor == item.Tag.Version.Minor)
                .OrderBy(t => t, TagComparer.NewestFirst)
                .ToList();
            var chosen = new OpenImTag(item.Tag.Image, target, item.Tag.Info);
            if (!there.Any(t => t.Tag == item.Tag.Tag))
            {
                var nearest = candidates.FirstOrDefault();
                onError(Missing(
                    release,
                    item.Role,
                    $"{item.Tag.Image}:{item.Tag.Tag} is missing on {target.Name}.",
                    nearest?.Tag,
                    target.Name));
                return null;
            }

            if (platform == null)
            {
                await _query.ResolveDigestsAsync(new[] { chosen }, cancellationToken).ConfigureAwait(false);
                return new OpenImReleaseMember(release, item.Role, chosen);
            }

            if (await HasPlatformAsync(chosen, platform, cancellationToken).ConfigureAwait(false))
            {
                return new OpenImReleaseMember(release, item.Role, chosen);
            }

            // The nearest alternative is the newest tag of the same line that has the platform.
            string alternative = null;
            foreach (var candidate in candidates.Where(c => c.Tag != item.Tag.Tag))
            {
                if (await HasPlatformAsync(
                    new OpenImTag(item.Tag.Image, target, candidate),
                    platform,
                    cancellationToken)
                    .ConfigureAwait(false))
                {
                    alternative = candidate.Tag;
                    break;
                }
            }

            onError(Missing(
                release,
                item.Role,
                $"{item.Tag.Image}:{item.Tag.Tag} on {target.Name} is not published for {platform}.",
                alternative,
                target.Name));
            return null;
        }

        private async Task<bool> HasPlatformAsync(
            OpenImTag tag,
            PlatformSpec platform,
            CancellationToken cancellationToken)
        {
            var manifest = await _query.ResolvePlatformsAsync(tag, cancellationToken).ConfigureAwait(false);
            return manifest.IsIndex
                ? manifest.Platforms.Any(p => platform.Matches(p.OS, p.Architecture, p.Variant))
                : await _query.Client.SinglePlatformMatchesAsync(
                    tag.RegistryInfo,
                    tag.Image,
                    manifest,
                    platform,
                    cancellationToken)
                    .ConfigureAwait(false);
        }

        private static OpenImException Missing(
            string release,
            ReleaseRole role,
            string what,
            string nearest,
            string registry)
        {
            var hint = nearest == null
                ? " There is no alternative in that line."
                : $" The nearest alternative is {nearest}.";
            return new OpenImException(
                "ReleaseMemberMissing",
                OpenImErrorKind.NotFound,
                $"Release {release}: the {role} member {what}{hint} No partial set is returned.",
                role.ToString(),
                null,
                registry == null
                    ? "Choose another line with -Version."
                    : $"Choose another registry with -Registry, another line with -Version, or pull " +
                        $"{nearest ?? "the members"} by hand.");
        }

        private sealed class Wanted
        {
            public Wanted(ReleaseRole role, OpenImTag tag, string image = null, string line = null)
            {
                Role = role;
                Tag = tag;
                Image = image ?? tag?.Image;
                Line = line;
            }

            public ReleaseRole Role { get; }

            public OpenImTag Tag { get; }

            public string Image { get; }

            public string Line { get; }
        }
    }
}
