namespace Portal.Features.Audit;

/// Daily recurring job: walk the chain, holding it against the head the last intact walk recorded (so deleting the
/// newest events is caught too), and record the result. Read-only apart from the result row, so running it twice or
/// concurrently is harmless.
public sealed class AuditVerifyJob(AuditChain chain, ILogger<AuditVerifyJob> log)
{
    public const string RecurringId = "audit-chain-verify";

    public async Task RunAsync(CancellationToken ct)
    {
        var result = await chain.VerifyAndRecordAsync(ct);
        if (result.Intact) log.LogInformation("Audit chain verified: {Message}", result.Message);
        else log.LogError("Audit chain broken: {Message}", result.Message);
    }
}
