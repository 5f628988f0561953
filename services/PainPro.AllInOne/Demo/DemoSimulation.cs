using PainPro.Contracts;
using PainPro.Instruments;
using PainPro.Portal.Clients;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Jobs;

namespace PainPro.AllInOne.Demo;

/// <summary>
/// Lives through the demo period on the simulated clock, one step at a time: registers the patients whose procedure
/// day has come, answers the surveys the scheduler has sent (promptly, after a reminder, or never, as each patient's
/// plan says), and has the demo nurse acknowledge and resolve alerts after a while — leaving the newest open.
/// </summary>
internal sealed class DemoSimulation(DemoApi api, SimulatedClock clock, DueJobs dueWork, DemoOptions options, ILogger logger)
{
    private const int MaxTriesPerSurvey = 20;

    private static readonly string[] EnglishNumbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    private static readonly string[] SpanishNumbers = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"];
    private static readonly HashSet<string> NoOpenSurveyTexts = [.. InstrumentCatalog.SupportedLocales.Select(locale => InstrumentTexts.NoOpenSurvey(locale))];
    private static readonly string[] ResolutionOutcomes = ["advice-given", "medication-adjusted", "appointment-booked", "referred", "no-action-needed"];
    private static readonly HashSet<string> ClosedStatuses = ["completed", "expired", "missed", "cancelled"];

    private sealed class SurveyTask(DemoPatient patient, Guid enrollmentId, DemoApi.RegisteredSurvey survey, PlannedAnswers plan)
    {
        public DemoPatient Patient { get; } = patient;
        public Guid EnrollmentId { get; } = enrollmentId;
        public DemoApi.RegisteredSurvey Survey { get; } = survey;
        public PlannedAnswers Plan { get; } = plan;
        public int Tries { get; set; }

        /// <summary>Items already answered by text, so a retry picks up where the patient left off.</summary>
        public HashSet<string> Texted { get; } = [];

        /// <summary>The form link, once Messaging has sent it.</summary>
        public string? Link { get; set; }
    }

    private sealed record AlertPlan(TimeSpan? AcknowledgeAfter, TimeSpan? ResolveAfter, string CallOutcome, string Outcome);

    private readonly List<SurveyTask> waiting = [];
    private readonly Dictionary<Guid, AlertPlan> alertPlans = [];
    private int registered, answered, texts, forms, acknowledged, resolved, stillOpen;

    public string Summary =>
        $"{registered} enrollments; {answered} surveys answered ({texts} texts, {forms} web forms); " +
        $"{acknowledged} alerts acknowledged, {resolved} resolved, {stillOpen} open";

    public async Task RunAsync(Action<string> progress, CancellationToken ct)
    {
        var cohort = DemoCohort.Create(options.Patients, options.Period);
        var toRegister = new Queue<DemoPatient>(cohort.OrderBy(p => p.EnrolledAfter));

        // Back in time before anything is stored, then forward to the real now, living through it.
        clock.SetOffset(-options.Period);
        var start = clock.GetUtcNow();
        var step = options.Step > TimeSpan.Zero ? options.Step : TimeSpan.FromHours(2);
        var nextLog = TimeSpan.Zero;
        logger.LogInformation("Seeding the demo cohort: {Patients} enrollments over {Days} days", cohort.Count, options.Period.TotalDays);

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var now = clock.GetUtcNow();
            while (toRegister.TryPeek(out var patient) && start + patient.EnrolledAfter <= now)
                await RegisterAsync(toRegister.Dequeue(), now, ct);
            await AnswerDueSurveysAsync(now, ct);
            await WorkAlertsAsync(now, ct);

            var elapsed = now - start;
            progress($"Demo data is loading: day {(int)elapsed.TotalDays} of {(int)options.Period.TotalDays}, " +
                     $"{registered} of {cohort.Count} patients enrolled. Figures fill in as it runs.");
            if (elapsed >= nextLog)
            {
                logger.LogInformation("Demo seed at day {Day}: {Summary}", (int)elapsed.TotalDays, Summary);
                nextLog += TimeSpan.FromDays(10);
            }

            if (clock.Offset >= TimeSpan.Zero) break;
            clock.Advance(clock.Offset + step > TimeSpan.Zero ? -clock.Offset : step);
            await dueWork.RunAllNowAsync(ct);
        }

        // The last sends are relayed a moment after the last claim; give them a final round.
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        var end = clock.GetUtcNow();
        await AnswerDueSurveysAsync(end, ct);
        await WorkAlertsAsync(end, ct);
        stillOpen = (await api.AlertsAsync("open", ct)).Count + (await api.AlertsAsync("acknowledged", ct)).Count;
    }

    private async Task RegisterAsync(DemoPatient patient, DateTimeOffset now, CancellationToken ct)
    {
        DemoApi.Registration registration;
        try { registration = await api.RegisterAsync(patient, now, ct); }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Demo patient {ExternalId} could not be registered", patient.ExternalId);
            return;
        }
        registered++;
        foreach (var survey in registration.Surveys)
        {
            var plan = patient.Answers.GetValueOrDefault(survey.Timepoint);
            if (plan?.AnswerAfterAttempt is not null)
                waiting.Add(new SurveyTask(patient, registration.EnrollmentId, survey, plan));
        }
    }

    /// <summary>Answers every survey whose planned moment has come: sent, and reminded as often as the plan waits for.</summary>
    private async Task AnswerDueSurveysAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = waiting.Where(t => t.Survey.SendAt is not { } sendAt || sendAt <= now).ToList();
        var schedules = new Dictionary<Guid, EnrollmentDetail?>();
        foreach (var task in due)
        {
            if (!schedules.TryGetValue(task.EnrollmentId, out var schedule))
                schedules[task.EnrollmentId] = schedule = await api.EnrollmentAsync(task.EnrollmentId, ct);
            var survey = schedule?.Surveys.FirstOrDefault(s => s.SurveyId == task.Survey.SurveyId);
            if (survey is null || ClosedStatuses.Contains(survey.Status))
            {
                waiting.Remove(task);
                continue;
            }
            // Attempts counts sends: answering "after the first reminder" waits for the second send.
            if (survey.Attempts < task.Plan.AnswerAfterAttempt!.Value + 1) continue;

            bool done;
            try { done = await AnswerAsync(task, survey, ct); }
            catch (HttpRequestException ex)
            {
                logger.LogWarning(ex, "A demo answer for {ExternalId} {Timepoint} failed; trying again later", task.Patient.ExternalId, task.Survey.Timepoint);
                done = false;
            }
            if (done) answered++;
            if (done || ++task.Tries >= MaxTriesPerSurvey) waiting.Remove(task);
        }
    }

    /// <summary>
    /// Answers as the patient would: texts for what the text conversation asks, the web form for the rest (MSTS) or
    /// for everything when the patient chose email. False when the survey is not open for answers yet.
    /// </summary>
    private async Task<bool> AnswerAsync(SurveyTask task, ScheduledSurvey survey, CancellationToken ct)
    {
        var patient = task.Patient;
        var items = InstrumentCatalog.ItemsOf(survey.Instruments.Count > 0 ? survey.Instruments : task.Survey.Instruments);
        var values = items.ToDictionary(i => i.Code, i => i.Code switch
        {
            ItemCodes.Vas => task.Plan.Vas,
            ItemCodes.Analgesic => task.Plan.Analgesic,
            _ => task.Plan.Msts(i.Code),
        });

        if (survey.Channel == Channels.Sms)
        {
            foreach (var item in items.Where(i => !ItemCodes.IsMsts(i.Code) && !task.Texted.Contains(i.Code)))
            {
                var replies = await api.TextAsync(patient.Phone, Spoken(patient, item.Code, values[item.Code]), ct);
                // Ingestion has not opened the survey yet (the send is still on the bus): try again next round.
                if (replies.Any(NoOpenSurveyTexts.Contains)) return false;
                task.Texted.Add(item.Code);
                texts++;
            }
            if (!items.Any(i => ItemCodes.IsMsts(i.Code))) return true;
        }

        if (task.Link is null)
        {
            // Messaging and Ingestion take the same SurveyDue off the bus; once the link has been sent, the next round
            // finds the survey open at Ingestion too. Opening it earlier would look like guessing a link.
            var to = survey.Channel == Channels.Sms ? patient.Phone : patient.Email!;
            if (survey.LastSentAt is not { } lastSent) return false;
            task.Link = await api.LatestLinkAsync(to, survey.SendAt ?? task.Survey.SendAt ?? DateTimeOffset.MinValue, lastSent, ct);
            return false;
        }
        var status = await api.SubmitFormAsync(task.Link, values, ct);
        if (status != System.Net.HttpStatusCode.OK)
        {
            logger.LogWarning("The demo web form for {ExternalId} {Timepoint} answered {Status}", patient.ExternalId, task.Survey.Timepoint, (int)status);
            return false;
        }
        forms++;
        return true;
    }

    /// <summary>Most reply with a digit; some write the number out, as real patients do ("seven", "siete").</summary>
    private static string Spoken(DemoPatient patient, string item, int value)
    {
        if (item != ItemCodes.Vas || (patient.Number + value) % 5 != 0) return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return patient.Locale == "es" ? SpanishNumbers[value] : EnglishNumbers[value];
    }

    /// <summary>The demo nurse: acknowledges most alerts within hours and resolves most of those within days.</summary>
    private async Task WorkAlertsAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var status in new[] { "open", "acknowledged" })
        {
            foreach (var alert in await api.AlertsAsync(status, ct))
            {
                if (!alertPlans.TryGetValue(alert.AlertId, out var plan))
                    alertPlans[alert.AlertId] = plan = PlanFor(alert);
                try
                {
                    if (alert.Status == "open" && plan.AcknowledgeAfter is { } ack && now >= alert.RaisedAt + ack)
                    {
                        await api.AcknowledgeAsync(alert.AlertId, ct);
                        acknowledged++;
                    }
                    else if (alert.Status == "acknowledged" && plan.ResolveAfter is { } resolve && now >= alert.RaisedAt + resolve)
                    {
                        await api.RecordCallAsync(alert.AlertId, plan.CallOutcome, null, ct);
                        await api.ResolveAsync(alert.AlertId, plan.Outcome, "Demo: handled by the demo nurse.", ct);
                        resolved++;
                    }
                }
                catch (HttpRequestException ex)
                {
                    logger.LogWarning(ex, "The demo nurse could not act on alert {AlertId}", alert.AlertId);
                }
            }
        }
    }

    private static AlertPlan PlanFor(AlertView alert)
    {
        var random = new Random(alert.AlertId.GetHashCode());
        // Roughly log-normal around two hours, as acknowledgement times are; one in seven waits until someone looks.
        TimeSpan? acknowledge = random.NextDouble() < 0.14
            ? null
            : TimeSpan.FromMinutes(Math.Clamp(Math.Exp(Math.Log(120) + 0.9 * Gaussian(random)), 10, 24 * 60));
        TimeSpan? resolve = acknowledge is { } a && random.NextDouble() < 0.8 ? a + TimeSpan.FromHours(random.Next(1, 72)) : null;
        var reached = random.NextDouble() < 0.75;
        var outcome = alert.Rules.Contains("no-response") && !reached
            ? "unreachable"
            : ResolutionOutcomes[random.Next(ResolutionOutcomes.Length)];
        return new AlertPlan(acknowledge, resolve, reached ? "reached" : (random.NextDouble() < 0.5 ? "no-answer" : "voicemail"), outcome);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
