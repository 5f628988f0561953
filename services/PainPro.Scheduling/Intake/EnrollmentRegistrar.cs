using PainPro.Contracts;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.ChannelFallback;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Scheduling.Intake;

public enum RegistrationResult
{
    /// <summary>A new enrollment with its survey schedule.</summary>
    Created,
    /// <summary>The same external id with the same body: nothing changed.</summary>
    Duplicate,
    /// <summary>The same external id with a different body: nothing changed.</summary>
    Conflict,
}

public sealed record RegistrationOutcome(RegistrationResult Result, Guid EnrollmentId, Guid PatientId)
{
    /// <summary>Why a <see cref="RegistrationResult.Conflict"/> was refused, and what to do instead (every intake path says the same).</summary>
    public string ConflictDetail(string externalId) =>
        $"externalId '{externalId}' is already registered (enrollment {EnrollmentId}) with different details. Use PATCH /api/enrollments/{EnrollmentId} to change the procedure time, or a new externalId for a new procedure.";
}

/// <summary>Another transaction registered one of the same external ids between our check and our insert; run again.</summary>
public sealed class ConcurrentRegistrationException()
    : Exception("An enrollment with the same external id was registered concurrently.");

/// <summary>
/// Writes registrations inside the caller's transaction: patients (deduplicated by MRN, contact details updated),
/// enrollments, their survey schedules, and one <see cref="EnrollmentCreated"/> each in the outbox. Idempotent on the
/// external id. Set-based, so a CSV batch of hundreds of rows costs a handful of statements plus its outbox rows.
/// </summary>
public sealed class EnrollmentRegistrar(ProtocolCatalog protocols, SurveyLinkTokens tokens)
{
    public async Task<RegistrationOutcome> RegisterAsync(DbSession session, Registration registration) =>
        (await RegisterAsync(session, [registration]))[0];

    /// <summary>One registration in its own transaction. Lost a race with the same external id: the winner is committed, so it answers as a repeat.</summary>
    public async Task<RegistrationOutcome> RegisterAsync(SchedulingDb db, Registration registration, CancellationToken ct)
    {
        try { return await db.InTransactionAsync(session => RegisterAsync(session, registration), ct); }
        catch (ConcurrentRegistrationException) { return await db.InTransactionAsync(session => RegisterAsync(session, registration), ct); }
    }

    /// <summary>Registers each in order; a later row repeating an earlier external id is its duplicate (or conflict).</summary>
    public async Task<IReadOnlyList<RegistrationOutcome>> RegisterAsync(DbSession session, IReadOnlyList<Registration> registrations)
    {
        if (registrations.Count == 0) return [];
        var now = session.Clock.GetUtcNow();
        var known = await ExistingEnrollmentsAsync(session, registrations.Select(r => r.ExternalId).Distinct().ToArray());

        // Classify: repeats of stored enrollments, repeats within this batch, and new ones.
        var fresh = new List<NewEnrollment>();
        var repeats = new List<(int Index, string Hash, KnownEnrollment Of)>();
        for (var i = 0; i < registrations.Count; i++)
        {
            var registration = registrations[i];
            var hash = registration.RequestHash();
            if (known.TryGetValue(registration.ExternalId, out var existing)) { repeats.Add((i, hash, existing)); continue; }
            var created = new NewEnrollment(i, registration, hash, Guid.CreateVersion7());
            fresh.Add(created);
            known[registration.ExternalId] = new KnownEnrollment(created.EnrollmentId, null, hash, created);
        }

        var patientIds = new Dictionary<string, Guid>();
        if (fresh.Count > 0)
        {
            var returning = await ExistingPatientsAsync(session, fresh.Select(f => f.Registration.Mrn).Distinct().ToArray());
            foreach (var (mrn, id) in await UpsertPatientsAsync(session, fresh, now)) patientIds[mrn] = id;
            await InsertEnrollmentsAsync(session, fresh, patientIds, now);
            await InsertSurveysAsync(session, fresh, now);
            foreach (var f in fresh)
            {
                var r = f.Registration;
                await session.PublishAsync(new EnrollmentCreated(
                    f.EnrollmentId, patientIds[r.Mrn], r.ProcedureType, r.BodySite, r.PerformedAt, r.Facility, r.Surgeon,
                    r.BaselineVas, r.BaselineRecordedAt, r.MrnLast4, r.Mrn, r.ExternalId));
            }
            // The claims of these surveys, days from now, link back to this intake's trace.
            await TraceOrigins.RecordAsync(session, fresh.Select(f => f.EnrollmentId));
            // A returning patient may be opted out, failed or have new contact details, and one registered twice in this
            // batch may have changed preference in between: put all their open surveys right. Any other new patient's
            // surveys are already on the preferred channel, which validation made sure they have.
            var changed = returning.Union(fresh.GroupBy(f => f.Registration.Mrn).Where(g => g.Count() > 1).Select(g => g.Key));
            foreach (var mrn in changed) await PatientChannels.RerouteAsync(session, patientIds[mrn]);
        }

        var outcomes = new RegistrationOutcome[registrations.Count];
        foreach (var f in fresh)
            outcomes[f.Index] = new RegistrationOutcome(RegistrationResult.Created, f.EnrollmentId, patientIds[f.Registration.Mrn]);
        foreach (var (index, hash, of) in repeats)
            outcomes[index] = new RegistrationOutcome(
                of.RequestHash == hash ? RegistrationResult.Duplicate : RegistrationResult.Conflict,
                of.EnrollmentId,
                of.PatientId ?? patientIds[of.InThisBatch!.Registration.Mrn]);
        return outcomes;
    }

    private async Task<Dictionary<string, KnownEnrollment>> ExistingEnrollmentsAsync(DbSession session, string[] externalIds)
    {
        var rows = await session.QueryAsync<ExistingEnrollmentRow>(
            $"""
            SELECT external_id AS ExternalId, id AS Id, patient_id AS PatientId, request_hash AS RequestHash
            FROM enrollments WHERE {session.Dialect.InStrings("external_id", "externalIds")}
            """, new { externalIds });
        return rows.ToDictionary(r => r.ExternalId, r => new KnownEnrollment(r.Id, r.PatientId, r.RequestHash, null));
    }

    private static async Task<HashSet<string>> ExistingPatientsAsync(DbSession session, string[] mrns) =>
        [.. await session.QueryAsync<string>(
            $"SELECT mrn FROM patients WHERE {session.Dialect.InStrings("mrn", "mrns")}", new { mrns })];

    /// <summary>
    /// One row per MRN. New contact details replace the old ones (a missing phone or email keeps the one on file);
    /// a new phone number clears that number's opt-out and failure, which belonged to the old number. Within a batch,
    /// later rows of the same MRN win, as if they had come one after another.
    /// </summary>
    private static async Task<List<(string Mrn, Guid Id)>> UpsertPatientsAsync(DbSession session, List<NewEnrollment> fresh, DateTimeOffset now)
    {
        var patients = fresh
            .GroupBy(f => f.Registration.Mrn)
            .Select(g => g.Select(f => f.Registration).Aggregate((earlier, later) => later with
            {
                Phone = later.Phone ?? earlier.Phone,
                Email = later.Email ?? earlier.Email,
                PatientTimeZone = later.PatientTimeZone ?? earlier.PatientTimeZone,
            }))
            .ToList();

        var ids = new List<(string, Guid)>();
        foreach (var chunk in patients.Chunk(session.Dialect.RowsPerInsert))
        {
            var (values, parameters) = SqlDialect.Values(chunk,
                _ => Guid.CreateVersion7(), r => r.Mrn, r => r.GivenName, r => r.FamilyName, r => r.Phone, r => r.Email,
                r => r.PreferredChannel, r => r.Locale, r => r.PatientTimeZone, _ => now, _ => now);
            var rows = await session.QueryAsync<PatientIdRow>(session.Dialect.IsSqlServer
                ? $"""
                  MERGE patients WITH (HOLDLOCK) AS p
                  USING (VALUES {values}) AS v (id, mrn, given_name, family_name, phone, email, preferred_channel, locale, time_zone,
                                                 created_at, updated_at)
                  ON p.mrn = v.mrn
                  WHEN MATCHED THEN UPDATE SET
                      given_name = v.given_name,
                      family_name = v.family_name,
                      phone = COALESCE(v.phone, p.phone),
                      email = COALESCE(v.email, p.email),
                      preferred_channel = v.preferred_channel,
                      locale = v.locale,
                      time_zone = COALESCE(v.time_zone, p.time_zone),
                      sms_opted_out = CASE WHEN v.phone IS NOT NULL AND (p.phone IS NULL OR v.phone <> p.phone) THEN 0 ELSE p.sms_opted_out END,
                      sms_failed_at = CASE WHEN v.phone IS NOT NULL AND (p.phone IS NULL OR v.phone <> p.phone) THEN NULL ELSE p.sms_failed_at END,
                      email_opted_out_at = CASE WHEN v.email IS NOT NULL AND (p.email IS NULL OR v.email <> p.email)
                                                THEN NULL ELSE p.email_opted_out_at END,
                      updated_at = v.updated_at
                  WHEN NOT MATCHED THEN INSERT (id, mrn, given_name, family_name, phone, email, preferred_channel, locale, time_zone,
                                                created_at, updated_at)
                      VALUES (v.id, v.mrn, v.given_name, v.family_name, v.phone, v.email, v.preferred_channel, v.locale, v.time_zone,
                              v.created_at, v.updated_at)
                  OUTPUT inserted.mrn AS Mrn, inserted.id AS Id;
                  """
                : $"""
                INSERT INTO patients (id, mrn, given_name, family_name, phone, email, preferred_channel, locale, time_zone,
                                      created_at, updated_at)
                VALUES {values}
                ON CONFLICT (mrn) DO UPDATE SET
                    given_name = excluded.given_name,
                    family_name = excluded.family_name,
                    phone = COALESCE(excluded.phone, patients.phone),
                    email = COALESCE(excluded.email, patients.email),
                    preferred_channel = excluded.preferred_channel,
                    locale = excluded.locale,
                    time_zone = COALESCE(excluded.time_zone, patients.time_zone),
                    sms_opted_out = CASE WHEN excluded.phone IS NOT NULL AND excluded.phone IS DISTINCT FROM patients.phone
                                         THEN FALSE ELSE patients.sms_opted_out END,
                    sms_failed_at = CASE WHEN excluded.phone IS NOT NULL AND excluded.phone IS DISTINCT FROM patients.phone
                                         THEN NULL ELSE patients.sms_failed_at END,
                    email_opted_out_at = CASE WHEN excluded.email IS NOT NULL AND excluded.email IS DISTINCT FROM patients.email
                                              THEN NULL ELSE patients.email_opted_out_at END,
                    updated_at = excluded.updated_at
                RETURNING mrn AS Mrn, id AS Id
                """, parameters);
            ids.AddRange(rows.Select(r => (r.Mrn, r.Id)));
        }
        return ids;
    }

    private static async Task InsertEnrollmentsAsync(
        DbSession session, List<NewEnrollment> fresh, Dictionary<string, Guid> patientIds, DateTimeOffset now)
    {
        foreach (var chunk in fresh.Chunk(session.Dialect.RowsPerInsert))
        {
            var (values, parameters) = SqlDialect.Values(chunk,
                f => f.EnrollmentId, f => f.Registration.ExternalId, f => f.Hash, f => patientIds[f.Registration.Mrn],
                f => f.Registration.ProcedureType, f => f.Registration.BodySite, f => f.Registration.PerformedAt,
                f => f.Registration.Facility, f => f.Registration.Surgeon, f => f.Registration.BaselineVas,
                f => f.Registration.BaselineRecordedAt, f => f.Registration.ScheduleTimeZone,
                f => f.Registration.Window.StartMinute, f => f.Registration.Window.EndMinute, _ => now, _ => now);
            var inserted = await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? $"""
                  INSERT INTO enrollments (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at,
                                           facility, surgeon, baseline_vas, baseline_recorded_at, time_zone,
                                           send_window_start, send_window_end, created_at, updated_at)
                  SELECT * FROM (VALUES {values}) AS v (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at,
                                                        facility, surgeon, baseline_vas, baseline_recorded_at, time_zone,
                                                        send_window_start, send_window_end, created_at, updated_at)
                  WHERE NOT EXISTS (SELECT 1 FROM enrollments e WITH (UPDLOCK, HOLDLOCK) WHERE e.external_id = v.external_id)
                  """
                : $"""
                INSERT INTO enrollments (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at,
                                         facility, surgeon, baseline_vas, baseline_recorded_at, time_zone,
                                         send_window_start, send_window_end, created_at, updated_at)
                VALUES {values}
                ON CONFLICT (external_id) DO NOTHING
                """, parameters);
            // Lost a race on an external id: our patient updates must not survive, so the whole transaction goes.
            if (inserted != chunk.Length) throw new ConcurrentRegistrationException();
        }
    }

    private async Task InsertSurveysAsync(DbSession session, List<NewEnrollment> fresh, DateTimeOffset now)
    {
        var surveys = fresh.SelectMany(f =>
        {
            var r = f.Registration;
            var plan = SchedulePlanner.Plan(new ScheduleInput(
                protocols.For(r.ProcedureType), r.BodySite, r.PerformedAt, HasClinicBaseline: r.BaselineVas is not null,
                TimeZones.Find(r.ScheduleTimeZone)!, r.Window, now));
            return plan.Select(p => (f.EnrollmentId, r.PreferredChannel, Survey: p));
        }).ToList();
        foreach (var chunk in surveys.Chunk(session.Dialect.RowsPerInsert))
            await SurveyRows.InsertAsync(session, chunk, tokens);
    }

    /// <summary>An enrollment already stored (<paramref name="PatientId"/> known) or created earlier in this batch.</summary>
    private sealed record KnownEnrollment(Guid EnrollmentId, Guid? PatientId, string RequestHash, NewEnrollment? InThisBatch);

    private sealed record NewEnrollment(int Index, Registration Registration, string Hash, Guid EnrollmentId);

    private sealed class ExistingEnrollmentRow
    {
        public string ExternalId { get; init; } = "";
        public Guid Id { get; init; }
        public Guid PatientId { get; init; }
        public string RequestHash { get; init; } = "";
    }

    private sealed class PatientIdRow
    {
        public string Mrn { get; init; } = "";
        public Guid Id { get; init; }
    }
}
