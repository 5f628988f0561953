using Microsoft.AspNetCore.Http;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Ingestion.Auditing;

/// <summary>
/// Who is acting: the signed-in staff member, or — when an integration client such as the Portal calls with
/// an API key — the staff member it names in <c>X-PainPro-Acting-User</c>, with the client recorded as <see cref="Via"/>.
/// </summary>
public sealed record StaffActor(string Name, string? Via)
{
    public const string ActingUserHeader = "X-PainPro-Acting-User";
    private const int MaxNameLength = 200;

    public static StaffActor From(HttpContext http)
    {
        var principal = http.User.Identity?.Name ?? "unknown";
        if (!http.User.IsInRole(PainProAuth.IntegrationRole)) return new StaffActor(principal, null);

        var acting = http.Request.Headers[ActingUserHeader].ToString().Trim();
        if (acting.Length == 0) return new StaffActor(principal, null);
        return new StaffActor(acting.Length > MaxNameLength ? acting[..MaxNameLength] : acting, principal);
    }

    /// <summary>Staff entering answers must be a person: a signed-in staff member, or an integration client naming one.</summary>
    public bool IsPerson(HttpContext http) => !http.User.IsInRole(PainProAuth.IntegrationRole) || Via is not null;
}
