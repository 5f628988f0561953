using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// What happened to each patient of a cohort, counted from the outside by id: texts the Twilio double accepted per
/// phone, emails Messaging handed to its gateway, replies stored per MessageSid, answers per survey, alerts per
/// enrollment and care-team notifications per alert. Duplicates and losses are listed with what explains them.
/// </summary>
public sealed class CohortAccount
{
    public required IReadOnlyList<Patient> Cohort { get; init; }
    public required IReadOnlyCollection<Patient> Replied { get; init; }
    public required Dictionary<string, int> Texts { get; init; }
    public required Dictionary<string, int> Emails { get; init; }
    public required Dictionary<string, List<DeliveryRow>> Deliveries { get; init; }
    public required Dictionary<string, Dictionary<string, int>> Answers { get; init; }
    public required Dictionary<string, int> Alerts { get; init; }
    public required Dictionary<Guid, int> CareTeamNotifications { get; init; }
    public required Dictionary<string, string> Day3Status { get; init; }
    public required long UnpublishedOutbox { get; init; }

    public sealed record DeliveryRow(string Recipient, int Attempt, string Channel, string Status, string? FailureReason, string? ProviderMessageId, string SurveyId, int Resumed);

    private sealed record AnswerRow(string Phone, string Item, int Value);
    private sealed record AlertRow(Guid AlertId, string Phone);
    private sealed record NotificationRow(Guid AlertId, string Status);
    private sealed record StatusRow(string Phone, string Status);

    public static async Task<CohortAccount> TakeAsync(FaultCluster cluster, IReadOnlyList<Patient> cohort, IReadOnlyCollection<Patient> replied)
    {
        var phones = cohort.Select(p => p.Phone).ToArray();
        var emails = cohort.Where(p => p.Email is not null).Select(p => p.Email!).ToArray();
        var db = cluster.Db;
        var deliveries = await Sql.QueryAsync<DeliveryRow>(db, """
            SELECT recipient AS Recipient, attempt AS Attempt, channel AS Channel, status AS Status, failure_reason AS FailureReason,
                   provider_message_id AS ProviderMessageId, survey_id::text AS SurveyId, resumed AS Resumed
            FROM messaging.deliveries WHERE recipient = ANY(@phones) OR recipient = ANY(@emails)
            """, new { phones, emails });
        var byPatient = cohort.ToDictionary(p => p.Phone, p => deliveries.Where(d => d.Recipient == p.Phone || d.Recipient == p.Email).ToList());
        var answers = await Sql.QueryAsync<AnswerRow>(db, """
            SELECT s.phone AS Phone, r.item AS Item, r.value AS Value
            FROM ingestion.responses r JOIN ingestion.surveys s ON s.id = r.survey_id
            WHERE s.phone = ANY(@phones) AND r.superseded_at IS NULL
            """, new { phones });
        var alerts = await Sql.QueryAsync<AlertRow>(db, """
            SELECT a.id AS AlertId, s.phone AS Phone
            FROM ingestion.alerts a JOIN ingestion.surveys s ON s.enrollment_id = a.enrollment_id AND s.timepoint = 'day3'
            WHERE s.phone = ANY(@phones)
            """, new { phones });
        var alertIds = alerts.Select(a => a.AlertId).ToArray();
        var notifications = await Sql.QueryAsync<NotificationRow>(db,
            "SELECT alert_id AS AlertId, status AS Status FROM messaging.care_team_notifications WHERE alert_id = ANY(@alertIds) AND status = 'sent'",
            new { alertIds });
        var statuses = await Sql.QueryAsync<StatusRow>(db, """
            SELECT p.phone AS Phone, s.status AS Status
            FROM scheduling.surveys s JOIN scheduling.enrollments e ON e.id = s.enrollment_id JOIN scheduling.patients p ON p.id = e.patient_id
            WHERE s.timepoint = 'day3' AND p.phone = ANY(@phones)
            """, new { phones });
        var unpublished = await Sql.ScalarAsync<long>(db, """
            SELECT (SELECT COUNT(*) FROM scheduling.outbox WHERE sent_at IS NULL) + (SELECT COUNT(*) FROM messaging.outbox WHERE sent_at IS NULL)
                 + (SELECT COUNT(*) FROM ingestion.outbox WHERE sent_at IS NULL)
            """);

        return new CohortAccount
        {
            Cohort = cohort,
            Replied = replied,
            Texts = cluster.AcceptedTexts(cohort),
            Emails = byPatient.ToDictionary(p => p.Key, p => p.Value.Count(d => d.Channel == "email" && d.ProviderMessageId is not null)),
            Deliveries = byPatient,
            Answers = answers.GroupBy(a => a.Phone).ToDictionary(g => g.Key, g => g.ToDictionary(a => a.Item, a => a.Value)),
            Alerts = alerts.GroupBy(a => a.Phone).ToDictionary(g => g.Key, g => g.Count()),
            CareTeamNotifications = notifications.GroupBy(n => n.AlertId).ToDictionary(g => g.Key, g => g.Count()),
            Day3Status = statuses.ToDictionary(s => s.Phone, s => s.Status),
            UnpublishedOutbox = unpublished,
        };
    }

    /// <summary>Every patient got their survey: by text (or, after a reported SMS failure, by email).</summary>
    public int Sends(Patient p) => Texts.GetValueOrDefault(p.Phone) + Emails.GetValueOrDefault(p.Phone);

    /// <summary>A patient's survey went out, or its send ended in a failure nothing will retry now.</summary>
    public bool SentOrGivenUp(Patient p) => Sends(p) >= 1 || Deliveries.GetValueOrDefault(p.Phone, []).Any(d => d.Status == "failed");

    public bool AnyGivenUp => Cohort.Any(p => Sends(p) == 0 && SentOrGivenUp(p));

    public bool Settled =>
        Cohort.All(SentOrGivenUp)
        && Replied.All(p => Answers.GetValueOrDefault(p.Phone)?.Count == 2 && Alerts.GetValueOrDefault(p.Phone) >= 1
                            && Day3Status.GetValueOrDefault(p.Phone) == "completed")
        && AlertsNotified
        && UnpublishedOutbox == 0;

    private bool AlertsNotified => CareTeamNotifications.Count >= Replied.Count;

    public override string ToString() =>
        $"{Cohort.Count(p => Sends(p) >= 1)}/{Cohort.Count} surveys sent, " +
        $"{Replied.Count(p => Answers.GetValueOrDefault(p.Phone)?.Count == 2)}/{Replied.Count} replies stored, " +
        $"{Replied.Count(p => Alerts.GetValueOrDefault(p.Phone) >= 1)}/{Replied.Count} alerts, " +
        $"{CareTeamNotifications.Count}/{Replied.Count} care-team notifications, " +
        $"{Replied.Count(p => Day3Status.GetValueOrDefault(p.Phone) == "completed")}/{Replied.Count} completed, {UnpublishedOutbox} unpublished";

    /// <summary>
    /// Asserts exactly once everywhere. A duplicate or a survey not sent is allowed only where
    /// <paramref name="explainDuplicate"/> or <paramref name="explainLoss"/> explains it (and is then counted and
    /// written down as a finding), never silently.
    /// </summary>
    public void AssertExactlyOnce(LedgerEntry entry, Func<Patient, CohortAccount, string?>? explainDuplicate = null,
        Func<Patient, CohortAccount, string?>? explainLoss = null)
    {
        var problems = new List<string>();
        var duplicates = new List<(string Id, string Why)>();
        var losses = new List<(string Id, string Why)>();
        foreach (var p in Cohort)
        {
            var sends = Sends(p);
            if (sends == 0)
            {
                var why = explainLoss?.Invoke(p, this);
                if (why is null) problems.Add($"survey of {p.ExternalId} never sent (deliveries: {Describe(p)})");
                else losses.Add((p.ExternalId, why));
            }
            else if (sends > 1)
            {
                var why = explainDuplicate?.Invoke(p, this);
                if (why is null) problems.Add($"survey of {p.ExternalId} sent {sends} times, unexplained (deliveries: {Describe(p)})");
                else duplicates.Add((p.ExternalId, why));
            }
        }
        foreach (var p in Replied)
        {
            var answers = Answers.GetValueOrDefault(p.Phone);
            if (answers is null || answers.Count != 2 || answers.GetValueOrDefault("vas") != 9 || answers.GetValueOrDefault("analgesic") != 2)
                problems.Add($"replies of {p.ExternalId} stored as [{string.Join(", ", answers?.Select(a => $"{a.Key}={a.Value}") ?? [])}], not vas=9, analgesic=2");
            if (Alerts.GetValueOrDefault(p.Phone) != 1) problems.Add($"{p.ExternalId} has {Alerts.GetValueOrDefault(p.Phone)} alerts, not 1");
            if (Day3Status.GetValueOrDefault(p.Phone) != "completed") problems.Add($"{p.ExternalId}'s day 3 is '{Day3Status.GetValueOrDefault(p.Phone)}', not completed");
        }
        foreach (var p in Cohort.Except(Replied))
            if (Alerts.GetValueOrDefault(p.Phone) != 0) problems.Add($"{p.ExternalId} did not reply yet has {Alerts[p.Phone]} alerts");
        foreach (var (alert, count) in CareTeamNotifications.Where(n => n.Value != 1))
            problems.Add($"alert {alert} notified the care team {count} times");
        if (CareTeamNotifications.Count != Replied.Count)
            problems.Add($"{CareTeamNotifications.Count} alerts notified the care team, not {Replied.Count}");
        if (UnpublishedOutbox != 0) problems.Add($"{UnpublishedOutbox} committed messages were never published");

        entry.Count("surveys sent once", Cohort.Count(p => Sends(p) == 1))
            .Count("replies stored once", Replied.Count(p => Answers.GetValueOrDefault(p.Phone)?.Count == 2) * 2)
            .Count("alerts raised once", Replied.Count(p => Alerts.GetValueOrDefault(p.Phone) == 1));
        if (duplicates.Count > 0) entry.Count("explained duplicates", duplicates.Count);
        if (losses.Count > 0) entry.Count("explained surveys not sent", losses.Count);
        Report(entry, "reached twice", duplicates);
        Report(entry, "not sent", losses);
        Assert.True(problems.Count == 0, $"{problems.Count} exactly-once violations ({this}):\n{string.Join("\n", problems.Take(30))}");
    }

    /// <summary>One finding per explanation: how many patients, which (the first few), and why.</summary>
    private static void Report(LedgerEntry entry, string what, List<(string Id, string Why)> explained)
    {
        foreach (var group in explained.GroupBy(e => e.Why))
        {
            var ids = group.Select(e => e.Id).ToList();
            entry.Finding($"{ids.Count} {what} ({string.Join(", ", ids.Take(3))}{(ids.Count > 3 ? ", …" : "")}): {group.Key}");
        }
    }

    public string Describe(Patient p) =>
        string.Join("; ", Deliveries.GetValueOrDefault(p.Phone, []).OrderBy(d => d.Attempt)
            .Select(d => $"attempt {d.Attempt} {d.Channel} {d.Status}{(d.FailureReason is null ? "" : " " + d.FailureReason)}{(d.ProviderMessageId is null ? "" : " (provider id)")}"));
}
