using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// What a feature asks the audit log to record. Actor, IP and user agent come from <see cref="AuditActor"/>.
public sealed record AuditEntry(
    AuditEventType Type,
    string? TargetType = null,
    string? TargetId = null,
    object? Details = null,
    Guid? OrganizationId = null,
    bool Succeeded = true);

/// Who did it and from where.
public sealed record AuditActor(AuditActorType Type, string? Id, string? Name, string? IpAddress, string? UserAgent)
{
    public static readonly AuditActor System = new(AuditActorType.System, null, "system", null, null);

    public static AuditActor Job(string name) => new(AuditActorType.Job, name, name, null, null);
}
