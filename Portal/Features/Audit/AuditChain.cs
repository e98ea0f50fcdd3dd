using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

public sealed record AuditChainResult(bool Intact, long EventsChecked, long? FirstBrokenSequence, string Message);

/// Walks the whole chain in sequence order, streaming, and reports the first event that does not fit.
public sealed class AuditChain(IDbContextFactory<PortalDbContext> dbs, TimeProvider clock)
{
    private long _checked;
    private long _total;
    private int _running;

    /// How far the walk in this process has got, for the page's progress bar ("verify now").
    public (bool Running, long Checked, long Total) Progress => (Volatile.Read(ref _running) > 0, Interlocked.Read(ref _checked), Interlocked.Read(ref _total));

    public async Task<AuditChainResult> VerifyAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _running);
        try { return await WalkAsync(ct); }
        finally { Interlocked.Decrement(ref _running); }
    }

    private async Task<AuditChainResult> WalkAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        Interlocked.Exchange(ref _checked, 0);
        Interlocked.Exchange(ref _total, await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0);
        var expectedSequence = 1L;
        var previous = AuditHasher.GenesisHash;
        long checkedCount = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            string? problem = null;
            if (e.Sequence != expectedSequence)
                problem = e.Sequence > expectedSequence
                    ? $"event {expectedSequence} is missing (found {e.Sequence} next): a row was deleted"
                    : $"event {e.Sequence} appears again: a row was inserted";
            else if (e.PreviousHash != previous)
                problem = $"event {e.Sequence} does not link to its predecessor: a row was inserted, deleted or re-linked";
            else if (AuditHasher.Compute(e) != e.Hash)
                problem = $"event {e.Sequence} ({e.Type}) does not match its hash: the row was edited";
            if (problem is not null)
                return new AuditChainResult(false, checkedCount, Math.Min(e.Sequence, expectedSequence), problem);
            previous = e.Hash;
            expectedSequence++;
            checkedCount++;
            if (checkedCount % 1000 == 0) Interlocked.Exchange(ref _checked, checkedCount);
        }
        Interlocked.Exchange(ref _checked, checkedCount);
        return new AuditChainResult(true, checkedCount, null, $"{checkedCount} event(s) verified; the chain is intact");
    }

    public async Task<AuditVerification?> LastVerificationAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AuditVerifications.AsNoTracking().OrderByDescending(v => v.Id).FirstOrDefaultAsync(ct);
    }

    /// Verifies and records the outcome, so the UI can show the last result and its time.
    public async Task<AuditChainResult> VerifyAndRecordAsync(CancellationToken ct)
    {
        var result = await VerifyAsync(ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.AuditVerifications.Add(new AuditVerification
        {
            CheckedAt = clock.GetUtcNow(),
            Intact = result.Intact,
            EventsChecked = result.EventsChecked,
            FirstBrokenSequence = result.FirstBrokenSequence,
            Message = result.Message,
        });
        await db.SaveChangesAsync(ct);
        return result;
    }
}
