using Portal.Data.Projects;

namespace Portal.Features.Projects;

public sealed record ProjectDto(Guid Id, Guid OrganizationId, string Name, string AppId, ProjectStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ActiveCertificateFingerprint, DateTimeOffset? RotationDueSince = null);

public sealed record CreateProject(string? Name, string? AppId);

public sealed record UpdateProject(string? Name, ProjectStatus? Status);

public enum ProjectSort { Name, CreatedAt, AppId, Status }

public sealed record ProjectQuery(string? Search = null, int Page = 1, int PageSize = 25, ProjectSort Sort = ProjectSort.Name, bool Descending = false);

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
