// The ceiling: what Kestrel and minimal-API routing alone serve on this machine. Everything Portal does on top
// (key lookup, policy, signing, counting, its middleware) shows as the gap between this and the token route.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapPost("/api/v1/tokens/rtc", () => TypedResults.Ok(new Answer("ok")));
app.MapGet("/compat/{projectId}/access_token", (string projectId) => TypedResults.Ok(new Answer("ok")));
app.MapGet("/readyz", () => TypedResults.Ok(new Answer("ready")));
app.Run();

internal sealed record Answer(string Status);
