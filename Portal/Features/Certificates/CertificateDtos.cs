using Portal.Data.Projects;

namespace Portal.Features.Certificates;

public sealed record CertificateDto(Guid Id, CertificateState State, CertificateSource Source, string Fingerprint,
    DateTimeOffset CreatedAt, DateTimeOffset? EffectiveAt, DateTimeOffset? ActivatedAt, DateTimeOffset? GraceUntil, DateTimeOffset? RetiredAt)
{
    public static CertificateDto From(ProjectCertificate c) =>
        new(c.Id, c.State, c.Source, c.Fingerprint, c.CreatedAt, c.EffectiveAt, c.ActivatedAt, c.GraceUntil, c.RetiredAt);
}

public enum Activation { Now, Staged }

/// `certificate` omitted = Portal generates one.
public sealed record AddCertificate(string? Certificate, Activation? Activation, DateTimeOffset? EffectiveAt);

public sealed record RevealCertificate(string? Password, string? Otp);

public sealed record RevealedCertificate(Guid Id, string Fingerprint, string Certificate);
