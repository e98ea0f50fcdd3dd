using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// A point of the chain recorded outside it: the sequence of an event and its hash, written `SEQ:HASH`.
public sealed record AuditHead(long Sequence, string Hash)
{
    public override string ToString() => $"{Sequence.ToString(CultureInfo.InvariantCulture)}:{Hash}";

    public static AuditHead? Parse(string? text)
    {
        var parts = text?.Trim().Split(':');
        return parts is [var seq, var hash] && long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
               && hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower)
            ? new AuditHead(sequence, hash)
            : null;
    }
}

public sealed record AuditChainResult(bool Intact, long EventsChecked, long? FirstBrokenSequence, string Message, AuditHead? Head = null);

/// Walks the whole chain in sequence order, streaming, and reports the first event that does not fit. A chain that
/// is consistent in itself can still have been cut short or re-hashed from some point on: holding it against a head
/// recorded earlier (<paramref name="expect"/> of <see cref="VerifyAsync"/>) catches both.
public sealed class AuditChain(IDbContextFactory<PortalDbContext> dbs, TimeProvider clock)
{
    private long _checked;
    private long _total;
    private int _running;

    /// How far the walk in this process has got, for the page's progress bar ("verify now").
    public (bool Running, long Checked, long Total) Progress => (Volatile.Read(ref _running) > 0, Interlocked.Read(ref _checked), Interlocked.Read(ref _total));

    public async Task<AuditChainResult> VerifyAsync(CancellationToken ct, params AuditHead?[] expect)
    {
        Interlocked.Increment(ref _running);
        try { return await WalkAsync(expect.OfType<AuditHead>().ToList(), ct); }
        finally { Interlocked.Decrement(ref _running); }
    }

    /// One pass: every link and hash, and each recorded head where its sequence comes by.
    private async Task<AuditChainResult> WalkAsync(List<AuditHead> heads, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        Interlocked.Exchange(ref _checked, 0);
        Interlocked.Exchange(ref _total, await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0);
        var expectedSequence = 1L;
        var previous = AuditHasher.GenesisHash;
        long checkedCount = 0;
        var pending = heads.Where(h => h is not { Sequence: 0, Hash: AuditHasher.GenesisHash }) // the empty chain's head
            .GroupBy(h => h.Sequence).ToDictionary(g => g.Key, g => g.Select(h => h.Hash).ToList());
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            string? problem = null;
            if (e.Sequence != expectedSequence)
                problem = e.Sequence > expectedSequence
                    ? $"event {expectedSequence} is missing (found {e.Sequence} next): a row was deleted"
                    : $"event {e.Sequence} appears again: a row was inserted";
            else if (e.PreviousHash != previous)
                problem = $"event {e.Sequence} does not link to its predecessor: a row was inserted, deleted or re-linked";
            else if (!AuditHasher.IsKnownVersion(e.HashVersion))
                problem = $"event {e.Sequence} claims an unknown hash version {e.HashVersion}: the row was edited";
            else if (AuditHasher.Compute(e) != e.Hash)
                problem = $"event {e.Sequence} ({e.Type}) does not match its hash: the row was edited";
            else if (pending.Remove(e.Sequence, out var expected) && expected.Any(hash => hash != e.Hash))
                problem = $"event {e.Sequence} is not the one of the recorded head {e.Sequence}:{expected.First(hash => hash != e.Hash)}: " +
                          "the chain was rewritten from that point or earlier";
            if (problem is not null)
                return new AuditChainResult(false, checkedCount, Math.Min(e.Sequence, expectedSequence), problem);
            previous = e.Hash;
            expectedSequence++;
            checkedCount++;
            if (checkedCount % 1000 == 0) Interlocked.Exchange(ref _checked, checkedCount);
        }
        Interlocked.Exchange(ref _checked, checkedCount);
        if (pending.Count > 0)
        {
            var lost = pending.Keys.Min();
            return new AuditChainResult(false, checkedCount, checkedCount + 1,
                $"the chain ends at event {checkedCount}, before the recorded head {lost}:{pending[lost][0]}: newer events were deleted");
        }
        var head = checkedCount == 0 ? null : new AuditHead(checkedCount, previous);
        return new AuditChainResult(true, checkedCount, null, $"{checkedCount} event(s) verified; the chain is intact", head);
    }

    public async Task<AuditVerification?> LastVerificationAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AuditVerifications.AsNoTracking().OrderByDescending(v => v.Id).FirstOrDefaultAsync(ct);
    }

    /// The head the last intact walk reached: the chain only grows, so every later walk must still contain it.
    public async Task<AuditHead?> LastVerifiedHeadAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var last = await db.AuditVerifications.AsNoTracking().Where(v => v.Intact && v.HeadSequence != null)
            .OrderByDescending(v => v.Id).Select(v => new { v.HeadSequence, v.HeadHash }).FirstOrDefaultAsync(ct);
        return last is { HeadSequence: { } sequence, HeadHash: { } hash } ? new AuditHead(sequence, hash) : null;
    }

    /// The newest event's sequence and hash as stored (not verified): what deliveries carry so that a receiver holds
    /// a copy of the head outside Portal's database.
    public async Task<AuditHead?> TailAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var tail = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        return tail is null ? null : new AuditHead(tail.Sequence, tail.Hash);
    }

    /// Verifies and records the outcome with the head it reached, so the UI can show the last result and its time
    /// and a later walk can be held against this head. Every recorded walk (the daily job, the CLI, "verify now") is
    /// held against the head the last intact walk recorded as well: the chain only grows, so a walk that no longer finds
    /// it must not record a shorter head as intact.
    public async Task<AuditChainResult> VerifyAndRecordAsync(CancellationToken ct, AuditHead? expect = null)
    {
        var result = await VerifyAsync(ct, expect, await LastVerifiedHeadAsync(ct));
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.AuditVerifications.Add(new AuditVerification
        {
            CheckedAt = clock.GetUtcNow(),
            Intact = result.Intact,
            EventsChecked = result.EventsChecked,
            FirstBrokenSequence = result.FirstBrokenSequence,
            Message = result.Message.Length <= 500 ? result.Message : result.Message[..500],
            HeadSequence = result.Head?.Sequence,
            HeadHash = result.Head?.Hash,
        });
        await db.SaveChangesAsync(ct);
        return result;
    }
}
