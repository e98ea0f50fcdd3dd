using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Audit;
using Portal.Features.Audit;
using Portal.Tests.Features.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Issue 14, item 12: an unambiguous canonical form, versioned per row, and a head kept outside the rows it covers.
public sealed class AuditChainHeadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// Actor id and name are neighbours in the canonical form.
    private static AuditEvent Event(int version, string? actorId, string? actorName) => new()
    {
        Sequence = 7,
        OccurredAt = new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero),
        ActorType = AuditActorType.User,
        ActorId = actorId,
        ActorName = actorName,
        Type = AuditEventType.LoginFailed,
        PreviousHash = AuditHasher.GenesisHash,
        Hash = "",
        HashVersion = version,
    };

    [Fact]
    public void Version1_WasAmbiguous_Version2_IsNot()
    {
        // a\x1f | b and a | \x1fb: the same bytes under version 1's escaping.
        Assert.Equal(AuditHasher.Compute(Event(1, "a\u001f", "b")), AuditHasher.Compute(Event(1, "a", "\u001fb")));
        Assert.NotEqual(AuditHasher.Compute(Event(2, "a\u001f", "b")), AuditHasher.Compute(Event(2, "a", "\u001fb")));
        // A missing field and the text "\0".
        Assert.Equal(AuditHasher.Compute(Event(1, null, "t")), AuditHasher.Compute(Event(1, "\u0000", "t")));
        Assert.NotEqual(AuditHasher.Compute(Event(2, null, "t")), AuditHasher.Compute(Event(2, "\u0000", "t")));
        Assert.NotEqual(AuditHasher.Compute(Event(2, "", "t")), AuditHasher.Compute(Event(2, null, "t")));
    }

    [Fact]
    public async Task ChainWrittenWithVersion1_StillVerifies_AndNewRowsUseVersion2()
    {
        await using var app = await AuditChainTests.AppWithEventsAsync(3);
        // Rewrite the existing rows as an earlier Portal wrote them: version 1 hashes, linked in order.
        await using (var db = await AuditChainTests.Db(app))
        {
            var previous = AuditHasher.GenesisHash;
            foreach (var e in await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync(Ct))
            {
                e.HashVersion = 1;
                e.PreviousHash = previous;
                e.Hash = previous = AuditHasher.Compute(e);
            }
            await db.SaveChangesAsync(Ct);
        }
        await using (var db = await AuditChainTests.Db(app))
            await app.Services.GetRequiredService<AuditLog>().SaveAsync(db, AuditActor.System, new AuditEntry(AuditEventType.LoginFailed), Ct);

        var result = await app.Services.GetRequiredService<AuditChain>().VerifyAsync(Ct);
        Assert.True(result.Intact, result.Message);
        await using var check = await AuditChainTests.Db(app);
        Assert.Equal([1, 1, 1, 1, 2], await check.AuditEvents.OrderBy(e => e.Sequence).Select(e => e.HashVersion).ToListAsync(Ct));
    }

    [Fact]
    public async Task DeletingTheNewestEvents_GoesUnnoticedByTheLinks_ButNotByAHeadRecordedEarlier()
    {
        await using var app = await AuditChainTests.AppWithEventsAsync(5);
        var chain = app.Services.GetRequiredService<AuditChain>();
        var head = (await chain.VerifyAndRecordAsync(Ct)).Head!;
        Assert.Equal(6, head.Sequence);

        await AuditChainTests.SqlAsync(app, "DELETE FROM \"AuditEvents\" WHERE \"Sequence\" >= 5");
        Assert.True((await chain.VerifyAsync(Ct)).Intact); // what is left links up perfectly

        var held = await chain.VerifyAsync(Ct, head);
        Assert.False(held.Intact);
        Assert.Contains("newer events were deleted", held.Message);
        // The daily job holds the chain against the last recorded head by itself, and so does a plain `audit head` or
        // `audit verify`: neither may record the shorter chain as intact (which the next daily job would then trust).
        await app.Services.GetRequiredService<AuditVerifyJob>().RunAsync(Ct);
        Assert.False((await chain.LastVerificationAsync(Ct))!.Intact);
        var settings = new Dictionary<string, string?>(TestDatabase.Settings(app.DataDirectory)) { ["Portal:DataDirectory"] = app.DataDirectory, ["Portal:Jobs:Storage"] = "InMemory" };
        var (code, _, error) = await CliRunner.RunAsync(["audit", "head"], settings);
        Assert.Equal(1, code);
        Assert.Contains("newer events were deleted", error);
        Assert.False((await chain.VerifyAndRecordAsync(Ct)).Intact);
        Assert.Equal(head, await chain.LastVerifiedHeadAsync(Ct));
    }

    [Fact]
    public async Task RewritingFromSomePointAndRehashing_IsCaughtByTheHead()
    {
        await using var app = await AuditChainTests.AppWithEventsAsync(5);
        var chain = app.Services.GetRequiredService<AuditChain>();
        var head = (await chain.VerifyAndRecordAsync(Ct)).Head!;

        await using (var db = await AuditChainTests.Db(app))
        {
            var rows = await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync(Ct);
            var previous = rows[2].Hash;
            foreach (var e in rows.Skip(3))
            {
                e.Details = "{\"name\":\"rewritten\"}";
                e.PreviousHash = previous;
                e.Hash = previous = AuditHasher.Compute(e);
            }
            await db.SaveChangesAsync(Ct);
        }
        Assert.True((await chain.VerifyAsync(Ct)).Intact); // self-consistent again

        var held = await chain.VerifyAsync(Ct, head);
        Assert.False(held.Intact);
        Assert.Equal(6, held.FirstBrokenSequence);
        Assert.Contains("rewritten", held.Message);
    }

    [Fact]
    public async Task Cli_AuditHead_PrintsTheHead_AndVerifyExpectHead_FailsWhenTheChainNoLongerHoldsIt()
    {
        await using var app = await AuditChainTests.AppWithEventsAsync(3);
        var settings = new Dictionary<string, string?>(TestDatabase.Settings(app.DataDirectory)) { ["Portal:DataDirectory"] = app.DataDirectory, ["Portal:Jobs:Storage"] = "InMemory" };

        var (code, output, error) = await CliRunner.RunAsync(["audit", "head"], settings);
        Assert.True(code == 0, error);
        var head = AuditHead.Parse(output.Trim());
        Assert.NotNull(head);
        Assert.Equal(4, head.Sequence);

        (code, output, error) = await CliRunner.RunAsync(["audit", "verify", "--expect-head", head.ToString()], settings);
        Assert.True(code == 0, error);
        Assert.Contains("contains the head", output);

        await AuditChainTests.SqlAsync(app, "DELETE FROM \"AuditEvents\" WHERE \"Sequence\" = 4");
        (code, _, error) = await CliRunner.RunAsync(["audit", "verify", "--expect-head", head.ToString()], settings);
        Assert.Equal(1, code);
        Assert.Contains("recorded head", error);

        (code, _, error) = await CliRunner.RunAsync(["audit", "verify", "--expect-head", "nonsense"], settings);
        Assert.Equal(2, code);
        Assert.Contains("head_invalid", error);
    }

    [Fact]
    public void Head_IsWrittenAsSequenceColonHash()
    {
        var head = new AuditHead(42, new string('a', 64));
        Assert.Equal($"42:{new string('a', 64)}", head.ToString());
        Assert.Equal(head, AuditHead.Parse(head.ToString()));
        Assert.Null(AuditHead.Parse("42:ABC"));
        Assert.Null(AuditHead.Parse("x:" + new string('a', 64)));
        Assert.Null(AuditHead.Parse(null));
    }
}
