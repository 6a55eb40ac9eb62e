namespace OpenIm.Lab.Seed;

/// <summary>
/// What the lab's registries hold: OpenIM's images and tags as its CI published them (read from
/// OpenIM's git tags, branches and workflows), plus the deliberate drift the Lab tests assert.
/// Dates are the eras of the releases, close enough for "newest" decisions. Grow the lab here.
/// </summary>
internal static class SeedCatalog
{
    private static readonly StandIn[] Everywhere = [StandIn.Ghcr, StandIn.Aliyun, StandIn.DockerHub];

    /// <summary>
    /// The front ends were never published to ghcr.io, which answers DENIED for them.
    /// </summary>
    private static readonly StandIn[] NotOnGhcr = [StandIn.Aliyun, StandIn.DockerHub];

    public static IReadOnlyList<SeedRepository> Create()
    {
        var server = OpenImServer();
        var chat = OpenImChat();
        return
        [
            server.Repository,
            chat.Repository,
            OpenImApi().Repository,
            WebFront().Repository,
            AdminFront().Repository,
            SeedRepository.Mirror(
                "private/openim-server", server, StandIn.Ghcr, "v3.8.3", "v3.8.3-patch.15", "latest"),
            SeedRepository.Mirror("private/openim-chat", chat, StandIn.Ghcr, "v1.8.4", "latest"),
        ];
    }

    private static ImageHistory OpenImServer()
    {
        var server = new ImageHistory("openim-server", Everywhere)
        {
            FormsFrom = new(3, 5, 0),
            OciFrom = new(3, 5, 0),
            DockerHubBareFrom = new(3, 2, 0),
            DockerHubBareBefore = new(3, 5, 0),
            ReleaseTagFrom = new(3, 8, 2),
        };

        server
            .Stable("v3.0.0", "2023-06-30")
            .Stable("v3.1.0", "2023-08-01")
            .Stable("v3.2.0", "2023-08-30")
            .Stable("v3.2.1", "2023-09-08")
            .Stable("v3.2.2", "2023-09-20")
            .Stable("v3.3.0", "2023-10-13")
            .Stable("v3.3.1", "2023-10-27")
            .Stable("v3.3.2", "2023-11-10")
            .Stable("v3.4.0", "2023-11-24")
            .Stable("v3.4.2", "2023-12-15")
            .Stable("v3.5.0", "2024-01-12")
            .Stable("v3.5.1", "2024-02-05")
            .Stable("v3.6.0", "2024-03-08")
            .Stable("v3.7.0", "2024-05-10")
            .Stable("v3.7.1", "2024-06-05")
            .Stable("v3.8.0", "2024-07-05")
            .Stable("v3.8.1", "2024-09-10")
            .Stable("v3.8.2", "2024-11-20")
            .Stable("v3.8.3", "2025-01-14")
            .LineTags()
            .Latest("v3.8.3");

        // Fixes published after v3.8.3, about monthly; patch.16 never got an image.
        for (var n = 1; n <= 15; n++)
        {
            server.Patch("v3.8.3", n, Monthly("2025-02-10", n - 1));
        }

        server
            .Prerelease("v3.3.3-bate.4", "2023-11-15")
            .Prerelease("v3.5.0-beta.1", "2023-12-12")
            .Prerelease("v3.5.1-bate.1", "2024-01-25")
            .Prerelease("v3.8.0-rc.0", "2024-06-20")
            .Prerelease("v3.8.0-rc.1", "2024-06-28")
            .Prerelease("v3.8.2-alpha.1", "2024-10-20")
            .Prerelease("v3.8.2-alpha.2", "2024-11-01")
            .Prerelease("v3.8.4-alpha.1", "2025-03-01");
        for (var n = 0; n <= 8; n++)
        {
            server.Prerelease($"v3.5.0-rc.{n}", Daily("2023-12-18", 2 * n));
        }

        for (var n = 1; n <= 4; n++)
        {
            server.Prerelease($"v3.8.1-rc.{n}", Daily("2024-08-15", 5 * (n - 1)));
        }

        for (var n = 1; n <= 3; n++)
        {
            server.Prerelease($"v3.8.3-alpha.{n}", Daily("2024-12-10", 7 * (n - 1)));
        }

        // Branch pushes; release-v3.8.2 and release-v3.8.3 come with their releases (ReleaseTagFrom).
        server
            .Branch("release-v3.0", "2023-07-20")
            .Branch("release-v3.1", "2023-08-20")
            .Branch("release-v3.2", "2023-10-05")
            .Branch("release-v3.3", "2023-11-15")
            .Branch("release-v3.4", "2023-12-28")
            .Branch("release-v3.5", "2024-02-20")
            .Branch("release-v3.6", "2024-04-01")
            .Branch("release-v3.7", "2024-06-20")
            .Branch("release-v3.8", "2025-06-01")
            .Branch("release-v3.8.1", "2024-10-01")
            .Branch("main", "2024-08-12")
            .Branch("nightly", "2024-05-20");

        // Deliberate drift, asserted by Lab tests and listed in README.md.
        server
            .Amd64Only("v3.8.3-patch.15")
            .RebuiltOn(StandIn.DockerHub, "release-v3.8.3", "2025-02-20");
        return server;
    }

    private static ImageHistory OpenImChat()
    {
        var chat = new ImageHistory("openim-chat", Everywhere)
        {
            FormsFrom = new(1, 5, 0),
            OciFrom = new(1, 5, 0),
            ReleaseTagFrom = new(1, 8, 2),
        };

        chat
            .Stable("v1.0.0", "2023-06-30")
            .Stable("v1.1.0", "2023-08-01")
            .Stable("v1.1.1", "2023-08-15")
            .Stable("v1.2.0", "2023-09-01")
            .Stable("v1.2.2", "2023-09-25")
            .Stable("v1.3.0", "2023-10-20")
            .Stable("v1.4.0", "2023-11-24")
            .Stable("v1.4.1", "2023-12-10")
            .Stable("v1.5.0", "2024-01-12")
            .Stable("v1.6.0", "2024-03-08")
            .Stable("v1.7.0", "2024-05-10")
            .Stable("v1.7.1", "2024-06-05")
            .Stable("v1.8.0", "2024-07-05")
            .Stable("v1.8.1", "2024-09-10")
            .Stable("v1.8.2", "2024-11-20")
            .Stable("v1.8.3", "2024-12-20")
            .Stable("v1.8.4", "2025-01-09")
            .LineTags()
            .Latest("v1.8.4");

        // From patch.5 on CI no longer pushed the form without v.
        chat
            .Patch("v1.8.4", 1, "2025-03-05")
            .Patch("v1.8.4", 2, "2025-06-10")
            .Patch("v1.8.4", 3, "2025-10-15")
            .Patch("v1.8.4", 4, "2026-02-20")
            .Patch("v1.8.4", 5, "2026-07-20", bareForm: false);

        chat
            .Prerelease("v1.3.0.rc.0", "2023-10-10")
            .Prerelease("v1.3.1.beta.0", "2023-10-30")
            .Prerelease("v1.4.0.beta.0", "2023-11-15")
            .Prerelease("v1.5.0-bate.0", "2023-12-10");
        for (var n = 0; n <= 6; n++)
        {
            chat.Prerelease($"v1.5.0-rc.{n}", Daily("2023-12-18", 3 * n));
        }

        chat
            .Branch("release-v1.0", "2023-07-20")
            .Branch("release-v1.1", "2023-08-25")
            .Branch("release-v1.2", "2023-10-05")
            .Branch("release-v1.3", "2023-11-01")
            .Branch("release-v1.4", "2023-12-28")
            .Branch("release-v1.5", "2024-02-20")
            .Branch("release-v1.6", "2024-04-01")
            .Branch("release-v1.7", "2024-06-20")
            .Branch("release-v1.8", "2025-06-01")
            .Branch("main", "2024-08-12");

        // Deliberate drift: the last fix never reached the Alibaba registry.
        chat.MissingOn(StandIn.Aliyun, "v1.8.4-patch.5");
        return chat;
    }

    /// <summary>
    /// A per-service image: only a few tags, and none for v3.8.3 itself (reported missing).
    /// </summary>
    private static ImageHistory OpenImApi()
    {
        var api = new ImageHistory("openim-api", Everywhere).Tagged("v3.7.0", "2024-05-10");
        for (var n = 12; n <= 15; n++)
        {
            api.Tagged($"v3.8.3-patch.{n}", Monthly("2025-02-10", n - 1));
        }

        return api;
    }

    private static ImageHistory WebFront() =>
        new ImageHistory("openim-web-front", NotOnGhcr)
            .Branch("release-v3.5.1", "2024-02-06")
            .Branch("release-v3.8.0", "2024-07-06")
            .Branch("release-v3.8.1", "2024-09-11")
            .Branch("release-v3.8.3", "2025-01-15")
            .Latest("release-v3.8.3");

    private static ImageHistory AdminFront() =>
        new ImageHistory("openim-admin-front", NotOnGhcr)
            .Branch("release-v1.7", "2024-05-11")
            .Branch("release-v1.8.0", "2024-07-06")
            .Branch("release-v1.8.2", "2024-11-21")
            .Branch("release-v1.8.3", "2024-12-21")
            .Branch("release-v1.8.4", "2025-01-10")
            .Branch("release-v1.8.4-patch.2", "2025-06-11")
            .Latest("release-v1.8.4-patch.2");

    private static string Monthly(string first, int months) =>
        DateOnly.Parse(first).AddMonths(months).ToString("yyyy-MM-dd");

    private static string Daily(string first, int days) =>
        DateOnly.Parse(first).AddDays(days).ToString("yyyy-MM-dd");
}
