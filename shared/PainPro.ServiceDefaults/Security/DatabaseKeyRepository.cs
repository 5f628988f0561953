using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Security;

/// <summary>
/// Keeps the Data Protection key ring (cookies, antiforgery, protected survey-link tokens) in the service's own
/// database, so every replica shares it and a restarted pod with a read-only file system can still read what it wrote.
/// </summary>
internal sealed class DatabaseKeyRepository(ServiceDatabase db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection's API is synchronous; it caches the ring and calls this rarely.
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at")
            .Select(XElement.Parse)
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), at = db.Clock.GetUtcNow() });
    }
}
