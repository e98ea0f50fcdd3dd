using System.Text.Json;
using Portal.Api;
using Portal.Common;
using Portal.Features.Account;
using Portal.Features.Organizations;

namespace Portal.Features.Audit;

/// Read-only routes over the audit log: there is deliberately no route that edits or deletes an event.
public static class AuditEndpoints
{
    public static void MapAuditApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapOrganizationScope().MapGroup("/audit").WithTags("Audit").WithMetadata(new OrganizationEndpoints.PlatformAdminAllowed());
        org.MapGet("", (HttpContext http, AuditSearch search, CancellationToken ct) =>
                PageAsync(http, AuditScope.For(http.Caller()), search, ct))
            .WithSummary("Audit events of the organization, newest first: filter by from, to, type, area, actor, projectId, outcome and q; page with cursor and limit (1-500).");
        org.MapGet("/export", (HttpContext http, AuditExport export, CancellationToken ct) =>
                ExportAsync(http, AuditScope.For(http.Caller()), export, ct))
            .WithSummary("The filtered audit log as a streamed file: format=csv (default) or jsonl. The export is itself audited.");

        // Platform administrators: every event, including those of no organization (sign-ins, bootstrap).
        var platform = app.MapGroup("/api/v1/audit").RequireAuthorization(ManagementTokenAuthenticationHandler.PolicyName).WithTags("Audit");
        platform.MapGet("", async (HttpContext http, AuditSearch search, AuditActorAccessor actors, CancellationToken ct) =>
            await search.PlatformScopeAsync(http.User, actors.Current(), ct) switch
            {
                { Ok: true } scope => await PageAsync(http, scope.Value, search, ct),
                var refused => refused.Error.ToProblem(), // 403 platform_admin_required
            })
            .WithSummary("Platform administrators: the whole audit log, with the same filters and paging.");
        platform.MapGet("/export", async (HttpContext http, AuditSearch search, AuditExport export, AuditActorAccessor actors, CancellationToken ct) =>
            await search.PlatformScopeAsync(http.User, actors.Current(), ct) switch
            {
                { Ok: true } scope => await ExportAsync(http, scope.Value, export, ct),
                var refused => refused.Error.ToProblem(), // 403 platform_admin_required
            })
            .WithSummary("Platform administrators: the whole audit log as a streamed CSV or JSON Lines file.");

        // The page's download links: the browser's sign-in cookie, the same checks (a stranger's organization is 404).
        app.MapGet("/audit/export", async (HttpContext http, OrganizationAccess access, AuditSearch search, AuditExport export, AuditActorAccessor actors, CancellationToken ct) =>
        {
            Result<AuditScope> scope;
            if (Guid.TryParse(http.Request.Query["orgId"], out var orgId))
            {
                var caller = await access.ResolveAsync(http.User, orgId, ct, allowPlatformAdmin: true);
                scope = caller.Ok ? AuditScope.For(caller.Value) : caller.Error;
            }
            else scope = await search.PlatformScopeAsync(http.User, actors.Current(), ct);
            if (!scope.Ok) return Results.Text(scope.Error.Message, "text/plain", statusCode: scope.Error.Status);
            var result = await ExportAsync(http, scope.Value, export, ct);
            return result;
        }).RequireAuthorization().ExcludeFromDescription();
    }

    private static async Task<IResult> PageAsync(HttpContext http, AuditScope scope, AuditSearch search, CancellationToken ct)
    {
        var filter = AuditFilter.Parse(name => http.Request.Query[name].FirstOrDefault());
        if (!filter.Ok) return filter.Error.ToProblem();
        var page = await search.PageAsync(scope, filter.Value, ct);
        return new PageResult(page);
    }

    private static async Task<IResult> ExportAsync(HttpContext http, AuditScope scope, AuditExport export, CancellationToken ct)
    {
        var filter = AuditFilter.Parse(name => http.Request.Query[name].FirstOrDefault());
        if (!filter.Ok) return filter.Error.ToProblem();
        var format = AuditExport.ParseFormat(http.Request.Query["format"].FirstOrDefault());
        if (!format.Ok) return format.Error.ToProblem();
        return await export.ResultAsync(scope, filter.Value, format.Value, ct);
    }

    /// `{"items": [event...], "nextCursor": "123" | null}`; events keep their stored details JSON as is.
    private sealed class PageResult(AuditPage page) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await using var w = new Utf8JsonWriter(http.Response.Body);
            w.WriteStartObject();
            w.WriteStartArray("items");
            foreach (var e in page.Items) AuditEventJson.Write(w, e);
            w.WriteEndArray();
            w.WriteString("nextCursor", page.NextCursor);
            w.WriteEndObject();
            await w.FlushAsync(http.RequestAborted);
        }
    }
}
