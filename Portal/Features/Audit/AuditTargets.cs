using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Tenancy;

namespace Portal.Features.Audit;

public sealed record AuditTargetLink(string Href, string Label);

/// Where the target of an event lives now, if it still exists in the organization: the drawer links there.
/// Deleted projects, revoked-then-deleted keys and removed members give no link (the event keeps their ids).
public sealed class AuditTargets(TenantDb tenants)
{
    public async Task<AuditTargetLink?> LinkAsync(Guid organizationId, AuditEvent e, CancellationToken ct)
    {
        if (e.OrganizationId != organizationId || e.TargetId is null) return null;
        await using var db = await tenants.ForOrganizationAsync(organizationId, ct);
        var projectId = ProjectIdOf(e);
        switch (e.TargetType)
        {
            case "project" when Guid.TryParse(e.TargetId, out var id) && await db.Projects.AnyAsync(p => p.Id == id, ct):
                return new($"projects/{id}", "Open the project");
            case "certificate" when Guid.TryParse(e.TargetId, out var id) && await db.ProjectCertificates.AnyAsync(c => c.Id == id, ct):
                return new($"projects/{projectId}?tab=certificates", "Open the project's certificates");
            case "api_key" when Guid.TryParse(e.TargetId, out var id) && await db.ApiKeys.AnyAsync(k => k.Id == id, ct):
                return new($"projects/{projectId}?tab=api-keys", "Open the project's API keys");
            case "member" when await db.Memberships.AnyAsync(m => m.UserId == e.TargetId, ct):
                return new("members", "Open members");
            case "invitation":
                return new("members", "Open members");
            case "organization" when e.TargetId == organizationId.ToString():
                return new("settings", "Open settings");
            default:
                return null;
        }
    }

    private static Guid? ProjectIdOf(AuditEvent e)
    {
        try
        {
            using var json = JsonDocument.Parse(e.Details);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("projectId", out var p)
                   && p.ValueKind == JsonValueKind.String && Guid.TryParse(p.GetString(), out var id) ? id : null;
        }
        catch (JsonException) { return null; }
    }
}
