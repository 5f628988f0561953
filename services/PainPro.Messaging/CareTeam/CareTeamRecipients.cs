using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Messaging.CareTeam;

/// <param name="Emails">How many addresses are told about alerts (the addresses stay in configuration).</param>
/// <param name="Warning">Why alerts notify nobody, for the Portal's admin banner; null when someone is told.</param>
public sealed record CareTeamRecipientsView(int Emails, int Phones, string MinimumSeverity, string? Warning);

/// <summary>
/// Whether anyone hears of alerts. With no care-team address or phone configured, alerts reach the worklist but notify
/// nobody, and nothing else would say so: <c>/health/ready</c> turns Degraded and <c>GET /api/care-team</c> (staff or
/// API key) gives the Portal's admin pages the warning.
/// </summary>
public static class CareTeamRecipients
{
    public const string NoneConfigured =
        "No care-team recipient is configured (PainPro:Messaging:CareTeam:Emails or Phones): alerts reach the worklist but notify nobody, escalations included.";

    public static CareTeamRecipientsView Of(CareTeamOptions careTeam)
    {
        var emails = careTeam.Emails.Count(e => !string.IsNullOrWhiteSpace(e));
        var phones = careTeam.Phones.Count(p => !string.IsNullOrWhiteSpace(p));
        return new CareTeamRecipientsView(emails, phones, careTeam.MinimumSeverity, emails + phones == 0 ? NoneConfigured : null);
    }

    public static IEndpointConventionBuilder MapCareTeamRecipients(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/care-team", (IOptions<MessagingOptions> options) => Results.Ok(Of(options.Value.CareTeam)))
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("care-team");
}

/// <summary>Degraded while no care-team recipient is configured: Messaging works, but alerts notify nobody.</summary>
internal sealed class CareTeamHealthCheck(IOptions<MessagingOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(CareTeamRecipients.Of(options.Value.CareTeam) is { Warning: { } warning }
            ? HealthCheckResult.Degraded(warning)
            : HealthCheckResult.Healthy("Alerts notify the care team"));
}
