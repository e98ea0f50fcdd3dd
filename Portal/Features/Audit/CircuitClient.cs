using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Features.Audit;

/// Who is on the other end of a Blazor circuit, and from where. Interactive components run without an
/// HttpContext, so the circuit handler captures the user and address when the circuit opens.
public sealed class CircuitClient
{
    public ClaimsPrincipal? User { get; internal set; }
    public string? Id { get; internal set; }
    public string? IpAddress { get; internal set; }
    public string? UserAgent { get; internal set; }
}

internal sealed class CircuitClientHandler(CircuitClient client, AuthenticationStateProvider auth, IHttpContextAccessor http) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken ct)
    {
        var context = http.HttpContext;
        client.Id = circuit.Id;
        client.IpAddress = context?.Connection.RemoteIpAddress?.ToString();
        client.UserAgent = context?.Request.Headers.UserAgent.ToString();
        client.User = (await auth.GetAuthenticationStateAsync()).User;
        auth.AuthenticationStateChanged += async state => client.User = (await state).User;
    }
}
