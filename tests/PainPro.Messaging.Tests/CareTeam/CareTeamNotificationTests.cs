using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PainPro.Contracts;
using PainPro.Messaging.CareTeam;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.CareTeam;

public class CareTeamNotificationTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static readonly CareTeamOptions CareTeam = new()
    {
        Emails = ["oncology-nurses@example.org", " pain-team@example.org "],
        Phones = ["+1 (555) 700-0001"],
    };

    private static PainAlertRaised Alert(string severity = AlertSeverities.High, bool escalated = false, Guid? alertId = null) =>
        new(alertId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
            ["pain-progression", "severe-pain"], severity, "Day 3 pain 9/10 vs 6/10 before the procedure (rose 3)",
            DateTimeOffset.UtcNow, MrnLast4: "0123", Escalated: escalated);

    private static CareTeamNotificationWork Work(MessagingFixture f) =>
        new(f.Db,
            new ServiceCollection().AddSingleton<ISmsGateway>(f.Sms).AddSingleton<IEmailGateway>(f.Email).BuildServiceProvider()
                .GetRequiredService<IServiceScopeFactory>(),
            new CareTeamTemplates("Riverside Orthopaedics", "https://portal.example.org"),
            NullLogger<CareTeamNotificationWork>.Instance);

    private static Task<int> QueueAsync(MessagingFixture f, PainAlertRaised alert, CareTeamOptions? careTeam = null) =>
        f.Db.InTransactionAsync(s => CareTeamNotifications.QueueAsync(s, alert, careTeam ?? CareTeam));

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_raised_alert_reaches_every_care_team_address_with_severity_mrn_last4_and_portal_link_only(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var alert = Alert();

        Assert.Equal(3, await QueueAsync(f, alert));
        Assert.Equal(3, await Work(f).RunDueAsync(CancellationToken.None));

        Assert.Equal(["oncology-nurses@example.org", "pain-team@example.org"], f.Email.Sent.Select(e => e.To).Order());
        var sms = Assert.Single(f.Sms.Sent);
        Assert.Equal("+15557000001", sms.To);
        var link = $"https://portal.example.org/alerts/{alert.AlertId}";
        foreach (var text in f.Email.Sent.SelectMany(e => new[] { e.Subject, e.TextBody, e.HtmlBody }).Append(sms.Body))
        {
            Assert.Contains("0123", text);
            Assert.Contains("high", text, StringComparison.OrdinalIgnoreCase);
            // No other patient data: not the summary, its numbers, nor the rules.
            Assert.DoesNotContain("9/10", text);
            Assert.DoesNotContain("pain-progression", text);
        }
        Assert.All(f.Email.Sent, e => Assert.Contains(link, e.TextBody));
        Assert.Contains(link, sms.Body);
        Assert.Equal(0, await Work(f).RunDueAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(AlertSeverities.Low, false)]
    [InlineData(AlertSeverities.High, true)]
    public void A_notice_names_a_low_priority_PainPro_alert_never_a_low_pain_alert(string severity, bool escalated)
    {
        var templates = new CareTeamTemplates("Riverside Orthopaedics", "https://portal.example.org");
        var notice = new CareTeamNotice(Guid.CreateVersion7(), severity, "0123", escalated);
        var email = templates.Email(notice);

        foreach (var text in new[] { templates.Sms(notice), email.Subject, email.TextBody, email.HtmlBody })
        {
            Assert.Contains($"{severity}-priority PainPro alert", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("pain alert", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task The_same_alert_again_is_not_renotified_but_an_escalation_or_a_higher_severity_is(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var alertId = Guid.CreateVersion7();
        var emailOnly = new CareTeamOptions { Emails = ["oncology-nurses@example.org"] };

        Assert.Equal(1, await QueueAsync(f, Alert(AlertSeverities.Medium, alertId: alertId), emailOnly));
        Assert.Equal(0, await QueueAsync(f, Alert(AlertSeverities.Medium, alertId: alertId), emailOnly));
        Assert.Equal(1, await QueueAsync(f, Alert(AlertSeverities.High, alertId: alertId), emailOnly));
        Assert.Equal(1, await QueueAsync(f, Alert(AlertSeverities.High, escalated: true, alertId: alertId), emailOnly));
        await Work(f).RunDueAsync(CancellationToken.None);

        Assert.Equal(3, f.Email.Sent.Count);
        Assert.Contains(f.Email.Sent, e => e.Subject.Contains("ESCALATED"));
    }

    [Fact]
    public async Task Alerts_below_the_minimum_severity_are_not_notified_unless_escalated()
    {
        await using var f = await MessagingFixture.CreateAsync(TestDatabase.Sqlite);
        var highOnly = new CareTeamOptions { Emails = ["oncology-nurses@example.org"], MinimumSeverity = AlertSeverities.High };

        Assert.Equal(0, await QueueAsync(f, Alert(AlertSeverities.Medium), highOnly));
        Assert.Equal(1, await QueueAsync(f, Alert(AlertSeverities.High), highOnly));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_unavailable_provider_is_retried_later_and_a_refusal_is_final(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var attempts = 0;
        f.Email.Answer = _ => ++attempts == 1 ? new SendOutcome.Unavailable("SMTP down") : new SendOutcome.Accepted("<id@test>", "sent");
        await QueueAsync(f, Alert(), new CareTeamOptions { Emails = ["oncology-nurses@example.org"] });
        var work = Work(f);

        Assert.Equal(1, await work.RunDueAsync(CancellationToken.None));
        Assert.Equal(0, await work.RunDueAsync(CancellationToken.None)); // not due again yet
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await work.RunDueAsync(CancellationToken.None));

        Assert.Equal(2, f.Email.Sent.Count);
        await using var connection = await f.Db.OpenAsync();
        Assert.Equal("sent", await connection.ExecuteScalarAsync<string>("SELECT status FROM care_team_notifications"));
    }
}
