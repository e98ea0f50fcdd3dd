using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Api;

/// A refusal a person can act on: HTTP status, stable code, message, and the field it concerns (for forms).
public sealed record ServiceError(int Status, string Code, string Message, string? Field = null)
{
    public static ServiceError NotFound(string what) => new(404, "not_found", $"There is no {what} with this id.");
    public static ServiceError Validation(string code, string message, string? field = null) => new(400, code, message, field);
    public static ServiceError Conflict(string code, string message) => new(409, code, message);
    public static ServiceError Forbidden(string code, string message) => new(403, code, message);

    public ProblemHttpResult ToProblem()
    {
        var problem = ApiProblems.Problem(Status, Code, Message);
        if (Field is not null) problem.ProblemDetails.Extensions["field"] = Field;
        return problem;
    }
}

/// The outcome of a service call shared by pages and endpoints: a value or a <see cref="ServiceError"/>.
public readonly record struct Result<T>(T? Value, ServiceError? Error)
{
    public bool Ok => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(ServiceError error) => new(default, error);
}
