using Portal.Common;
using Portal.Features.Usage;

namespace Portal.Features.TokenIssuance;

/// The one place where a token request's outcome becomes usage: each route counts once per token it was asked for,
/// issued or refused, whichever step refused it (the key check, the policy or the engine).
public sealed class IssuanceCounter(UsageRecorder usage)
{
    public void Count(KeySnapshot key, string service, ServiceError? refusal) => Count(key, service, refusal?.Code ?? UsageRecorder.Issued);

    public void Count(KeySnapshot key, string service, string outcome)
    {
        if (TokenWarmUp.IsWarmUp(key)) return; // the start-up warm-up's own calls are not anyone's usage
        usage.Record(key.Project.OrganizationId, key.Project.ProjectId, key.Id, service, outcome);
    }

    /// A key check's refusal, when the key was known (an unknown key has no project to count against).
    public void Refused(KeyCheck check, string service)
    {
        if (check is { Key: { } key, Error: { } error }) Count(key, service, error);
    }
}
