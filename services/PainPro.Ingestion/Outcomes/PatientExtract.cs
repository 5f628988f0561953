using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Http;

namespace PainPro.Ingestion.Outcomes;

/// <summary><c>PainPro:Ingestion:Extract</c>: the de-identified extract.</summary>
public sealed class ExtractOptions
{
    /// <summary>
    /// Base64 of at least 32 random bytes keying the pseudonyms (HMAC-SHA256). Set it to give several deployments (or a
    /// rebuilt database) the same pseudonyms; without it each deployment makes one and keeps it in its database.
    /// </summary>
    public string? PseudonymKey { get; set; }
}

/// <summary>
/// The key of the extract's pseudonyms: the configured one, else one made at random on first use and kept in
/// Ingestion's own database (<c>pseudonym_keys</c>), so a patient keeps one pseudonym across extracts and replicas.
/// Whoever holds the extract alone cannot turn a pseudonym back into a patient id: that takes the key.
/// </summary>
public sealed class PseudonymKey(IngestionDb db, IOptionsMonitor<IngestionOptions> options)
{
    private byte[]? stored;

    public async Task<byte[]> GetAsync(CancellationToken ct)
    {
        if (options.CurrentValue.Extract.PseudonymKey is { Length: > 0 } configured) return Convert.FromBase64String(configured);
        if (stored is not null) return stored;
        var key = await db.InTransactionAsync(async session =>
        {
            // Two first extracts at once: the first key stays, the other insert does nothing.
            await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? """
                  INSERT INTO pseudonym_keys (id, key_base64, created_at)
                  SELECT 1, @key, @now WHERE NOT EXISTS (SELECT 1 FROM pseudonym_keys WITH (UPDLOCK, HOLDLOCK) WHERE id = 1)
                  """
                : """
                  INSERT INTO pseudonym_keys (id, key_base64, created_at) VALUES (1, @key, @now) ON CONFLICT (id) DO NOTHING
                  """, new { key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), now = session.Clock.GetUtcNow() });
            return await session.ExecuteScalarAsync<string>("SELECT key_base64 FROM pseudonym_keys WHERE id = 1");
        }, ct);
        return stored = Convert.FromBase64String(key);
    }

    /// <summary>A stable pseudonym of an id: the first 16 bytes of HMAC-SHA256(key, id), hex, with a prefix naming its kind.</summary>
    public static string Of(byte[] key, string prefix, Guid id) =>
        prefix + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(id.ToString("D")))[..16]);
}

/// <summary>
/// <c>GET /api/outcomes/extract</c>: one CSV line per enrollment for audit and research, de-identified — no name,
/// phone, email, MRN or exact date: patients and enrollments by pseudonym, the procedure by month, each timepoint by the
/// days from the procedure to its answer. Pain is the 0–10 numeric rating scale (NRS).
/// </summary>
public sealed class PatientExtract(IngestionDb db, PseudonymKey pseudonyms, IOptionsMonitor<IngestionOptions> options)
{
    private static readonly string[] FollowUps = [Timepoints.Day3, Timepoints.Month1, Timepoints.Month3];

    public static IReadOnlyList<string> Header { get; } =
    [
        "patient_pseudonym", "enrollment_pseudonym", "procedure_type", "body_site", "facility", "surgeon", "procedure_month",
        "baseline_pain_nrs", "baseline_source",
        .. FollowUps.SelectMany(t => new[]
        {
            $"{t}_status", $"{t}_days_to_answer", $"{t}_pain_nrs", $"{t}_analgesic_change", $"{t}_msts_total",
            $"{t}_consensus_class", $"{t}_reduced_2_points",
        }),
        "alerts", "alert_rules", "highest_alert_severity",
    ];

    public async Task<string> RunAsync(string? procedureType, DateRange range, CancellationToken ct)
    {
        var key = await pseudonyms.GetAsync(ct);
        var reduction = options.CurrentValue.Alerts.ResponseReduction;
        var filter = new StringBuilder();
        if (procedureType is not null) filter.Append(" AND e.procedure_type = @procedureType");
        if (range.From is not null) filter.Append(" AND e.performed_at >= @from");
        if (range.Until is not null) filter.Append(" AND e.performed_at < @until");
        var parameters = new { procedureType, from = range.From, until = range.Until };

        var (enrollments, surveys, alerts) = await db.ReadAsync(async connection => (
            (await connection.QueryAsync<EnrollmentRow>($"""
                SELECT e.id AS Id, e.patient_id AS PatientId, e.procedure_type AS ProcedureType, e.body_site AS BodySite,
                       e.facility AS Facility, e.surgeon AS Surgeon, e.performed_at AS PerformedAt, e.baseline_vas AS BaselineVas,
                       e.baseline_source AS BaselineSource
                FROM enrollments e WHERE 1 = 1{filter}
                ORDER BY e.performed_at, e.id
                """, parameters)).ToList(),
            // Opened order: the latest survey of a timepoint is the one that counts, as for the alert rules.
            (await connection.QueryAsync<SurveyRow>($"""
                SELECT s.enrollment_id AS EnrollmentId, s.timepoint AS Timepoint, s.status AS Status, s.vas AS Vas,
                       s.analgesic_change AS AnalgesicChange, s.msts_total AS MstsTotal, s.consensus_class AS ConsensusClass,
                       s.completed_at AS CompletedAt
                FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
                WHERE 1 = 1{filter}
                ORDER BY s.opened_at, s.id
                """, parameters)).ToLookup(s => s.EnrollmentId),
            (await connection.QueryAsync<AlertRow>($"""
                SELECT a.enrollment_id AS EnrollmentId, a.rules AS Rules, a.severity AS Severity
                FROM alerts a JOIN enrollments e ON e.id = a.enrollment_id
                WHERE 1 = 1{filter}
                """, parameters)).ToLookup(a => a.EnrollmentId)), ct);

        var csv = new StringBuilder();
        Line(csv, Header);
        foreach (var e in enrollments)
        {
            var cells = new List<string?>
            {
                PseudonymKey.Of(key, "p_", e.PatientId), PseudonymKey.Of(key, "e_", e.Id), e.ProcedureType, e.BodySite, e.Facility, e.Surgeon,
                e.PerformedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), Number(e.BaselineVas), e.BaselineSource,
            };
            var byTimepoint = surveys[e.Id].GroupBy(s => s.Timepoint).ToDictionary(g => g.Key, g => g.Last());
            foreach (var timepoint in FollowUps)
            {
                if (!byTimepoint.TryGetValue(timepoint, out var s)) { cells.AddRange(["not-sent", null, null, null, null, null, null]); continue; }
                cells.AddRange(
                [
                    s.Status,
                    s.CompletedAt is { } done ? Number((int)Math.Floor((done - e.PerformedAt).TotalDays)) : null,
                    Number(s.Vas), s.AnalgesicChange, Number(s.MstsTotal), s.ConsensusClass,
                    s.Vas is { } v && e.BaselineVas is { } b ? (b - v >= reduction ? "1" : "0") : null,
                ]);
            }
            var enrollmentAlerts = alerts[e.Id].ToList();
            cells.Add(Number(enrollmentAlerts.Count));
            cells.Add(string.Join(' ', enrollmentAlerts.SelectMany(a => a.Rules.Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().Order(StringComparer.Ordinal)));
            cells.Add(enrollmentAlerts.Select(a => a.Severity).MaxBy(AlertSeverities.Rank));
            Line(csv, cells);
        }
        return csv.ToString();
    }

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder csv, IEnumerable<string?> cells)
    {
        csv.AppendJoin(',', cells.Select(c => Escape(c ?? "")));
        csv.Append("\r\n");
    }

    /// <summary>RFC 4180, and a text starting like a formula is defused (facility and surgeon names come from the EHR).</summary>
    private static string Escape(string cell)
    {
        if (cell.Length > 0 && "=+-@\t\r".Contains(cell[0]) && !int.TryParse(cell, CultureInfo.InvariantCulture, out _)) cell = "'" + cell;
        return cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
    }

    private sealed record EnrollmentRow
    {
        public Guid Id { get; init; }
        public Guid PatientId { get; init; }
        public string ProcedureType { get; init; } = "";
        public string BodySite { get; init; } = "";
        public string Facility { get; init; } = "";
        public string? Surgeon { get; init; }
        public DateTimeOffset PerformedAt { get; init; }
        public int? BaselineVas { get; init; }
        public string? BaselineSource { get; init; }
    }

    private sealed record SurveyRow
    {
        public Guid EnrollmentId { get; init; }
        public string Timepoint { get; init; } = "";
        public string Status { get; init; } = "";
        public int? Vas { get; init; }
        public string? AnalgesicChange { get; init; }
        public int? MstsTotal { get; init; }
        public string? ConsensusClass { get; init; }
        public DateTimeOffset? CompletedAt { get; init; }
    }

    private sealed record AlertRow
    {
        public Guid EnrollmentId { get; init; }
        public string Rules { get; init; } = "";
        public string Severity { get; init; } = "";
    }
}
