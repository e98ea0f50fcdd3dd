namespace Portal.Tests.Architecture;

/// The arrows between the rooms of the house (docs/architecture.md, "The house"), read from the compiled IL: a new
/// reference across a boundary fails here until it goes through a named contract or the boundary is redrawn on purpose.
public sealed class ArchitectureTests
{
    private static readonly Lazy<TypeDependencies> Portal = new(() => TypeDependencies.Of(typeof(global::Portal.PortalApp).Assembly.Location));

    /// What each feature offers the others. Anything else in a feature folder is its own business.
    private static readonly Dictionary<string, string[]> Contracts = new()
    {
        ["Account"] = [],
        ["AgoraOps"] = ["ChannelsTab", "AgoraAccountsCard"],
        ["ApiKeys"] = ["ApiKeySecrets", "ApiKeyQueries", "ApiKeyDto", "CreatedApiKey", "ApiKeysTab", "ApiKeySnippets", "ApiKeyRevealDialog", "NewApiKeyDialog"],
        ["Audit"] = ["AuditLog", "AuditEntry", "AuditActor", "AuditActorAccessor", "AuditThrottle", "AuditChain", "AuditChainResult", "AuditHead", "ProjectActivity"],
        ["Certificates"] = ["CertificateSecrets", "CertificateService", "CertificateDto", "CertificatesTab", "AddCertificateDialog", "Reauthentication"],
        ["ClientSdk"] = [],
        ["Dashboard"] = [],
        ["Inspector"] = ["InspectorHandoff"],
        ["Notifications"] = ["NotificationService", "NotificationEvents", "NotificationScanJob", "NotificationSettingsCard"],
        ["Organizations"] = ["OrgCaller", "OrgNeed", "OrganizationAccess", "OrganizationEndpoints", "CurrentOrganization", "OrganizationChanges",
            "OrganizationSummary", "NewOrganizationDialog"],
        ["Policies"] = ["PolicyTab"],
        ["Projects"] = ["ProjectLookup", "ProjectService", "ProjectDto", "ProjectQuery", "ProjectSort", "PageOf`1", "NewProjectDialog"],
        ["TokenExchange"] = ["SignInTab"],
        ["TokenIssuance"] = ["IssuanceCache", "ProjectSnapshot", "CertificateSnapshot", "TokenVerification", "TestTokens", "MintTestToken", "TokenResponse",
            "TokenCommand",
            // The token exchange issues through the same path as keys: the issuer (which counts), the policy gate, the
            // per-subject limiter, the request records and the hand-written answer; and the bounded set of unknown ids.
            "TokenIssuer", "PolicyGate", "IssuanceCounter", "RateLimits", "KeySnapshot", "RtcTokenRequest", "RtcPrivilegeRequest", "RtmTokenRequest", "ChatTokenRequest",
            "TokenJson", "CacheStampPoller", "UnknownKeys`1"],
        ["Usage"] = ["UsageRecorder", "UsageTab", "UsageDays", "UsageRow", "UsageSource"],
    };

    /// The shared parts of the house, which serve the features and so must not depend on any of them.
    private static readonly string[] SharedParts = ["Api", "Common", "Data", "Health", "Hosting", "Jobs", "Mail", "Security"];

    private static string? Room(string type)
    {
        if (!type.StartsWith("Portal.", StringComparison.Ordinal)) return null;
        var parts = type.Split('.');
        if (parts[1] == "Features") return parts.Length > 3 ? "Features." + parts[2] : null;
        return parts.Length > 2 ? parts[1] : "(root)";
    }

    private static string Name(string type) => type[(type.LastIndexOf('.') + 1)..];

    /// Each cross-room use in the Portal assembly: (from type, its room, used type, its room).
    private static IEnumerable<(string From, string FromRoom, string To, string ToRoom)> Uses() =>
        from pair in Portal.Value.Uses
        let fromRoom = Room(pair.Key)
        where fromRoom is not null
        from used in pair.Value
        let toRoom = Room(used)
        where toRoom is not null && toRoom != fromRoom
        select (pair.Key, fromRoom, used, toRoom);

    [Fact]
    public void Features_UseEachOther_OnlyThroughTheirContracts()
    {
        Assert.Equal(Contracts.Keys.Order(), FeatureFolders().Order()); // every feature folder states its contract
        var violations = Uses()
            .Where(u => u.FromRoom.StartsWith("Features.", StringComparison.Ordinal) && u.ToRoom.StartsWith("Features.", StringComparison.Ordinal))
            .Where(u => !Contracts[u.ToRoom["Features.".Length..]].Contains(Name(u.To)))
            .Select(u => $"{u.From} uses {u.To}, which is not in {u.ToRoom}'s contract")
            .Distinct().Order().ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void FeatureServices_DoNotReachIntoTheUiFrameJobsOrTheCommandLine()
    {
        // Pages are components and use the shared components by design; a feature's services, endpoints and jobs do not.
        var violations = Uses()
            .Where(u => u.FromRoom.StartsWith("Features.", StringComparison.Ordinal) && u.ToRoom is "Components" or "Jobs" or "Cli")
            .Where(u => !Portal.Value.IsComponent(u.From))
            .Select(u => $"{u.From} uses {u.To} ({u.ToRoom})").Distinct().Order().ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void SharedParts_DependOnNoFeature()
    {
        var violations = Uses()
            .Where(u => SharedParts.Contains(u.FromRoom) && u.ToRoom.StartsWith("Features.", StringComparison.Ordinal))
            .Select(u => $"{u.From} ({u.FromRoom}) uses {u.To}").Distinct().Order().ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheUiFrame_KnowsOnlyTheCurrentOrganization()
    {
        // The app bar shows and switches the organization; everything else a page shows comes from its feature.
        var violations = Uses()
            .Where(u => u.FromRoom == "Components" && u.ToRoom.StartsWith("Features.", StringComparison.Ordinal))
            .Where(u => u.ToRoom != "Features.Organizations" || !Contracts["Organizations"].Contains(Name(u.To)))
            .Select(u => $"{u.From} uses {u.To}").Distinct().Order().ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void DataAndTheTokenEngine_DoNotReferencePortal()
    {
        foreach (var assembly in new[] { typeof(global::Portal.Data.PortalDbContext).Assembly, typeof(global::Portal.Tokens.AccessToken2).Assembly })
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == "Portal");
    }

    private static IEnumerable<string> FeatureFolders()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Portal", "Features"));
        return Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>();
    }
}
