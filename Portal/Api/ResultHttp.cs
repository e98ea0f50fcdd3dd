using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Common;

namespace Portal.Api;

/// Maps service results to precise HTTP results, so OpenAPI and tests see the real contract.
public static class ResultHttp
{
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Result<T> result) =>
        result.Ok ? TypedResults.Ok(result.Value) : result.Error.ToProblem();

    public static Results<Created<T>, ProblemHttpResult> ToCreated<T>(this Result<T> result, Func<T, string> location) =>
        result.Ok ? TypedResults.Created(location(result.Value), result.Value) : result.Error.ToProblem();

    public static Results<NoContent, ProblemHttpResult> ToNoContent(this ServiceError? error) =>
        error is null ? TypedResults.NoContent() : error.ToProblem();
}
