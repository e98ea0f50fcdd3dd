using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Portal;

/// The `Portal:*` configuration section (PRODUCT.md, "Interfaces").
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// Where the SQLite file, the generated master key and first-run files live; relative to the content root.
    [Required] public string DataDirectory { get; set; } = "data";

    /// Base64 of 32 bytes. Generated into the data directory when absent, unless <see cref="RequireMasterKey"/>.
    public string? MasterKey { get; set; }
    public bool RequireMasterKey { get; set; }

    // [ValidateObjectMembers]: data annotations do not recurse on their own, so without it the rules below never ran.
    [ValidateObjectMembers] public DatabaseOptions Database { get; set; } = new();
    [ValidateObjectMembers] public BootstrapOptions Bootstrap { get; set; } = new();
    [ValidateObjectMembers] public JobsOptions Jobs { get; set; } = new();
    [ValidateObjectMembers] public SecurityOptions Security { get; set; } = new();

    /// Turned off in tests and behind a TLS-terminating proxy that already redirects.
    public bool HttpsRedirection { get; set; } = true;
}

public sealed class DatabaseOptions
{
    [RegularExpression("^(Sqlite|Postgres)$", ErrorMessage = "Portal:Database:Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = "Sqlite";
}

public sealed class SecurityOptions
{
    /// Failed sign-ins one client address may make within <see cref="LoginWindowMinutes"/> before it is refused
    /// (429) until the oldest of them ages out. Lockout protects one account; this protects all of them from one source.
    [Range(1, 100_000)] public int LoginFailuresPerAddress { get; set; } = 20;
    [Range(1, 1440)] public int LoginWindowMinutes { get; set; } = 10;
}

public sealed class BootstrapOptions
{
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
    public string? AdminApiToken { get; set; }
}

public sealed class JobsOptions
{
    /// `Sqlite` (a file in the data directory), `Postgres` (schema `hangfire` in Portal's PostgreSQL database) or
    /// `InMemory` (tests). Unset, it follows Portal:Database:Provider: replicas on PostgreSQL share one job storage.
    public string? Storage { get; set; }

    /// When the certificate rotation job runs (Hangfire cron, seconds allowed); every 5 minutes by default.
    public string RotationCron { get; set; } = Portal.Features.Certificates.CertificateRotationJob.Cron;

    /// The hourly usage rollup; the soak harness runs it every minute.
    public string UsageRollupCron { get; set; } = Portal.Features.Usage.UsageRollupJob.Cron;

    /// Tests switch the in-process server off when they drive jobs directly.
    public bool RunServer { get; set; } = true;
}
