using Hangfire;
using Portal.Data.Audit;
using Portal.Data.Tenancy;

namespace Portal.Features.Audit;

public sealed record AuditVerifyState(string JobId, string State, long Checked, long Total)
{
    public bool Finished => State is "Succeeded" or "Failed" or "Deleted";
}

/// "Verify now": runs the daily chain check as a Hangfire job on request, one at a time, and reports its progress.
/// Any member (Auditors too) may ask: it only reads the chain and appends the result.
public sealed class AuditVerifyNow(IBackgroundJobClient jobs, JobStorage storage, AuditChain chain, AuditLog audit, TenantDb tenants)
{
    // One per app (a singleton): the job waiting or running, so a second click does not start a second walk.
    private readonly Lock _gate = new();
    private string? _pending;

    /// Enqueues the job, or returns the one already waiting or running (a second click does not start a second walk).
    public async Task<AuditVerifyState> StartAsync(AuditScope scope, CancellationToken ct)
    {
        string jobId;
        var started = false;
        lock (_gate)
        {
            if (_pending is null || IsFinished(_pending))
            {
                _pending = jobs.Enqueue<AuditVerifyJob>(j => j.RunAsync(CancellationToken.None));
                started = true;
            }
            jobId = _pending;
        }
        if (started)
        {
            await using var db = await tenants.GlobalAsync(ct);
            await audit.SaveAsync(db, scope.Actor, new AuditEntry(AuditEventType.AuditVerificationRequested, "audit_log",
                scope.OrganizationId?.ToString(), new { jobId }, scope.OrganizationId), ct);
        }
        return State(jobId);
    }

    public AuditVerifyState State(string jobId)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name ?? "Enqueued";
        var (running, done, total) = chain.Progress;
        if (state == "Succeeded") done = total = Math.Max(done, total);
        else if (!running) done = 0;
        return new AuditVerifyState(jobId, state, Math.Min(done, total), total);
    }

    private bool IsFinished(string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name is "Succeeded" or "Failed" or "Deleted" or null;
    }
}
