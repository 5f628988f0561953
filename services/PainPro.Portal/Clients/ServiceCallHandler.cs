using Microsoft.AspNetCore.Http;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Clients;

/// <summary>
/// Every call the Portal makes to a service carries the Portal's API key, and the signed-in staff member as
/// <c>X-PainPro-Acting-User</c>, so the service audits the person rather than "the Portal".
/// </summary>
public sealed class ServiceCallHandler(PortalServiceKey key, IHttpContextAccessor httpContext) : DelegatingHandler
{
    public const string ActingUserHeader = "X-PainPro-Acting-User";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (key.Value is { } apiKey) request.Headers.TryAddWithoutValidation(PainProAuth.ApiKeyHeader, apiKey);
        if (httpContext.HttpContext?.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } user })
            request.Headers.TryAddWithoutValidation(ActingUserHeader, user);
        return base.SendAsync(request, ct);
    }
}

/// <summary>The API key the Portal presents: <c>PainPro:Portal:ApiKey</c>, else the dev key in dev mode.</summary>
public sealed class PortalServiceKey(string? value)
{
    public string? Value { get; } = value;
}
