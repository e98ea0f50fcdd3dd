using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Infrastructure;

/// A real HTTP receiver on loopback that records what it is sent and answers the queued status codes (then 200).
public sealed class WebhookReceiver(WebApplication app, string url) : IAsyncDisposable
{
    public sealed record Received(string? Signature, string? Event, string? Delivery, string Body);

    public string Url { get; } = url;
    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentQueue<int> Answers { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            receiver!.Requests.Enqueue(new Received(http.Request.Headers["Portal-Signature"], http.Request.Headers["Portal-Event"],
                http.Request.Headers["Portal-Delivery"], body));
            return Results.StatusCode(receiver.Answers.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync(ct);
        receiver = new WebhookReceiver(app, app.Urls.First() + "/hook");
        return receiver;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
