using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// The one writer of audit events. Callers make their change on a PortalDbContext and then call
/// <c>SaveAsync</c>, which appends the events and saves everything in one transaction.
public sealed class AuditLog(TimeProvider clock, ILogger<AuditLog> log)
{
    // One appender at a time per app (this is a singleton) keeps the chain linear without retries. The unique Sequence
    // index still guards against a second process (a replica); such a conflict is retried below. Not static: apps that
    // share a process (the test suite's hosts, two replicas of a scale-out test) would wait for each other's appends,
    // and a replica blocked on the other's row lock would hold up every app in the process for a lock timeout.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private const int MaxAttempts = 5;

    public async Task SaveAsync(PortalDbContext db, AuditActor actor, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        // A caller in its own transaction may already hold row locks (its first SaveChanges bumped the cache stamp)
        // that the gate's holder is waiting for: waiting for the gate then would deadlock. Such a caller goes
        // ungated and relies on the unique Sequence and the retry below (each attempt is a savepoint).
        var gated = db.Database.CurrentTransaction is null;
        if (gated) await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var added = await AppendAsync(db, actor, entries, ct);
                try
                {
                    await db.SaveChangesAsync(ct);
                    return;
                }
                catch (DbUpdateException) when (attempt < MaxAttempts && added.Count > 0)
                {
                    // Another process took our sequence number: detach our events and link to the new tail.
                    // Any other failure (the feature's own change) is the caller's to handle.
                    if (!await TailMovedAsync(db, added[0].Sequence, ct)) throw;
                    foreach (var e in added) db.Entry(e).State = EntityState.Detached;
                    log.LogInformation("Audit chain append raced with another writer; retrying ({Attempt})", attempt);
                }
            }
        }
        finally
        {
            if (gated) _gate.Release();
        }
    }

    public Task SaveAsync(PortalDbContext db, AuditActor actor, AuditEntry entry, CancellationToken ct) =>
        SaveAsync(db, actor, [entry], ct);

    private async Task<List<AuditEvent>> AppendAsync(PortalDbContext db, AuditActor actor, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        var tail = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var sequence = tail?.Sequence ?? 0;
        var previous = tail?.Hash ?? AuditHasher.GenesisHash;
        // Whole milliseconds: every provider stores them exactly, so the hash computed here is the one verified later.
        var utc = clock.GetUtcNow().UtcTicks;
        var now = new DateTimeOffset(utc - utc % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var added = new List<AuditEvent>(entries.Count);
        foreach (var entry in entries)
        {
            var e = new AuditEvent
            {
                Sequence = ++sequence,
                OccurredAt = now,
                OrganizationId = entry.OrganizationId,
                ActorType = actor.Type,
                ActorId = actor.Id,
                ActorName = Truncate(actor.Name, 256),
                Type = entry.Type,
                TargetType = entry.TargetType,
                TargetId = entry.TargetId,
                IpAddress = Truncate(actor.IpAddress, 64),
                UserAgent = Truncate(actor.UserAgent, 512),
                Succeeded = entry.Succeeded,
                Details = DetailsOf(entry),
                PreviousHash = previous,
                HashVersion = AuditHasher.CurrentVersion,
                Hash = "",
            };
            e.Hash = AuditHasher.Compute(e);
            previous = e.Hash;
            db.AuditEvents.Add(e);
            added.Add(e);
        }
        return added;
    }

    private static async Task<bool> TailMovedAsync(PortalDbContext db, long ourFirstSequence, CancellationToken ct) =>
        await db.AuditEvents.AsNoTracking().AnyAsync(e => e.Sequence >= ourFirstSequence, ct);

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    /// Details say what matters in a few fields; a caller that lets request data grow them past this is cut short.
    public const int MaxDetailsLength = 8000;

    private static string DetailsOf(AuditEntry entry)
    {
        if (entry.Details is null) return "{}";
        var json = JsonSerializer.Serialize(entry.Details, DetailsJson);
        return json.Length <= MaxDetailsLength ? json : JsonSerializer.Serialize(new { truncated = true, length = json.Length }, DetailsJson);
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
