using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Audit;

/// Each test gets its own database, because each one damages the chain.
public sealed class AuditChainTests
{
    [Fact]
    public async Task IntactChain_Verifies()
    {
        await using var app = await AppWithEventsAsync(5);
        var result = await app.Services.GetRequiredService<AuditChain>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(result.Intact, result.Message);
        Assert.Equal(6, result.EventsChecked); // 5 + the bootstrap admin event
    }

    [Fact]
    public async Task EditedRow_IsDetected()
    {
        await using var app = await AppWithEventsAsync(5);
        await SqlAsync(app, "UPDATE \"AuditEvents\" SET \"Details\" = '[\"forged\"]' WHERE \"Sequence\" = 3");

        var result = await app.Services.GetRequiredService<AuditChain>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("edited", result.Message);
    }

    [Fact]
    public async Task DeletedRow_IsDetected()
    {
        await using var app = await AppWithEventsAsync(5);
        await SqlAsync(app, "DELETE FROM \"AuditEvents\" WHERE \"Sequence\" = 4");

        var result = await app.Services.GetRequiredService<AuditChain>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(result.Intact);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("deleted", result.Message);
    }

    [Fact]
    public async Task InsertedRow_IsDetected()
    {
        await using var app = await AppWithEventsAsync(5);
        // Make room after event 2 and insert a forged event whose own hash is self-consistent.
        await SqlAsync(app, "UPDATE \"AuditEvents\" SET \"Sequence\" = \"Sequence\" + 1000 WHERE \"Sequence\" > 2");
        await SqlAsync(app, "UPDATE \"AuditEvents\" SET \"Sequence\" = \"Sequence\" - 999 WHERE \"Sequence\" > 1000");
        await using (var db = await Db(app))
        {
            var previous = await db.AuditEvents.SingleAsync(e => e.Sequence == 2, TestContext.Current.CancellationToken);
            var forged = new AuditEvent
            {
                Sequence = 3,
                OccurredAt = previous.OccurredAt,
                Type = AuditEventType.LoginSucceeded,
                ActorType = AuditActorType.User,
                ActorId = "intruder",
                PreviousHash = previous.Hash,
                Hash = "",
                HashVersion = AuditHasher.CurrentVersion,
            };
            forged.Hash = AuditHasher.Compute(forged);
            db.AuditEvents.Add(forged);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var result = await app.Services.GetRequiredService<AuditChain>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(result.Intact);
        Assert.Equal(4, result.FirstBrokenSequence); // the original event after the forgery no longer links
        Assert.Contains("predecessor", result.Message);
    }

    [Fact]
    public async Task ConcurrentWriters_KeepOneLinearChain()
    {
        await using var app = await AppWithEventsAsync(0);
        var log = app.Services.GetRequiredService<AuditLog>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), TestContext.Current.CancellationToken, async (i, ct) =>
        {
            await using var db = await Db(app);
            await log.SaveAsync(db, AuditActor.System, new AuditEntry(AuditEventType.LoginFailed, "user", i.ToString()), ct);
        });

        var result = await app.Services.GetRequiredService<AuditChain>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(result.Intact, result.Message);
        Assert.Equal(41, result.EventsChecked);
    }

    internal static async Task<PortalAppFactory> AppWithEventsAsync(int count)
    {
        var app = new PortalAppFactory();
        app.CreateClient();
        var log = app.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < count; i++)
        {
            await using var db = await Db(app);
            await log.SaveAsync(db, new AuditActor(AuditActorType.User, "u1", "user@example.test", "127.0.0.1", "tests"),
                new AuditEntry(AuditEventType.ManagementTokenCreated, "management_token", $"t{i}", new { name = $"token {i}" }), CancellationToken.None);
        }
        return app;
    }

    internal static Task<PortalDbContext> Db(PortalAppFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    internal static async Task SqlAsync(PortalAppFactory app, string sql)
    {
        await using var db = await Db(app);
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
