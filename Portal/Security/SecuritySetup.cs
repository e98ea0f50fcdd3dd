using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Security;

public static class SecuritySetup
{
    /// Data Protection with its key ring in the database, each key encrypted with the master key.
    public static WebApplicationBuilder AddPortalSecrets(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => MasterKey.Load(
            sp.GetRequiredService<IOptions<PortalOptions>>().Value,
            sp.GetRequiredService<DataDirectory>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Security.MasterKey")));

        builder.Services.AddDataProtection()
            .SetApplicationName("Portal")
            .PersistKeysToDbContext<PortalDbContext>();
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<MasterKey>((o, key) => o.XmlEncryptor = new MasterKeyXmlEncryptor(key));
        return builder;
    }
}
