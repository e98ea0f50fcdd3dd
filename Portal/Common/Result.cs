using System.Diagnostics.CodeAnalysis;

namespace Portal.Common;

/// A refusal a person can act on: HTTP status, stable code, message, and the field it concerns (for forms). Services
/// return it; the API turns it into an RFC 9457 problem (Api/ServiceErrorHttp), pages show its message.
public sealed record ServiceError(int Status, string Code, string Message, string? Field = null)
{
    public static ServiceError NotFound(string what) => new(404, "not_found", $"There is no {what} with this id.");
    public static ServiceError Validation(string code, string message, string? field = null) => new(400, code, message, field);
    public static ServiceError Conflict(string code, string message) => new(409, code, message);
    public static ServiceError Forbidden(string code, string message) => new(403, code, message);
}

/// The outcome of a service call shared by pages and endpoints: a value or a <see cref="ServiceError"/>.
public readonly record struct Result<T>(T? Value, ServiceError? Error)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(ServiceError error) => new(default, error);
}
