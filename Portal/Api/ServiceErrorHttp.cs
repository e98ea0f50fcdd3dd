using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Common;

namespace Portal.Api;

/// A service's refusal as the HTTP answer: an RFC 9457 problem with its `code` (and `field`, for forms).
public static class ServiceErrorHttp
{
    public static ProblemHttpResult ToProblem(this ServiceError error)
    {
        var problem = ApiProblems.Problem(error.Status, error.Code, error.Message);
        if (error.Field is not null) problem.ProblemDetails.Extensions["field"] = error.Field;
        return problem;
    }
}
