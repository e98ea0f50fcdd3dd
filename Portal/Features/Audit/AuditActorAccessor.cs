using System.Security.Claims;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// Builds the actor of an audit event from the current request: signed-in user or management token, IP, user agent.
public sealed class AuditActorAccessor(IHttpContextAccessor http, CircuitClient circuit)
{
    public const string TokenIdClaim = "portal:token_id";

    public AuditActor Current()
    {
        var context = http.HttpContext;
        if (context is null && circuit.User is null) return AuditActor.System;
        // In a Blazor circuit the HttpContext (if any) is the hub connection's, so the circuit's capture wins.
        var inCircuit = circuit.User is not null;
        var ip = inCircuit ? circuit.IpAddress : context!.Connection.RemoteIpAddress?.ToString();
        var agent = inCircuit ? circuit.UserAgent : context!.Request.Headers.UserAgent.ToString();
        var user = inCircuit ? circuit.User! : context!.User;
        if (user.Identity?.IsAuthenticated != true)
            return new AuditActor(AuditActorType.Anonymous, null, null, ip, agent);
        var tokenId = user.FindFirstValue(TokenIdClaim);
        return new AuditActor(tokenId is null ? AuditActorType.User : AuditActorType.ManagementToken,
            user.FindFirstValue(ClaimTypes.NameIdentifier), user.FindFirstValue(ClaimTypes.Email) ?? user.Identity.Name, ip, agent);
    }

    /// The sign-in session of the current caller: the Blazor circuit, or the management token of an API request.
    /// Null for a plain cookie request, which then has nothing to remember a proof by.
    public string? Session()
    {
        if (circuit.Id is { } circuitId) return "circuit:" + circuitId;
        var tokenId = http.HttpContext?.User.FindFirstValue(TokenIdClaim);
        return tokenId is null ? null : "token:" + tokenId;
    }

    /// For events about a user who is not (yet) signed in: failed logins, lockouts.
    public AuditActor ForUser(string? userId, string? email)
    {
        var current = Current();
        return current with { Type = userId is null ? AuditActorType.Anonymous : AuditActorType.User, Id = userId, Name = email };
    }
}
