namespace PainPro.Portal.Clients;

// Shapes of Ingestion's API as the Portal reads them (camelCase JSON).

public record AlertView
{
    public Guid AlertId { get; init; }
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public Guid? SurveyId { get; init; }
    public IReadOnlyList<string> Rules { get; init; } = [];
    public string Severity { get; init; } = "";
    public string Summary { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset RaisedAt { get; init; }
    public string? ProcedureType { get; init; }
    public string? BodySite { get; init; }
    public string? Facility { get; init; }
    public string? Timepoint { get; init; }
    public string? MrnLast4 { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? Outcome { get; init; }
    public string? Note { get; init; }
    public bool Escalated { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public string? ConsensusClass { get; init; }
    /// <summary>When an answer behind the alert was last revised; null if never.</summary>
    public DateTimeOffset? AnswerChangedAt { get; init; }
}

/// <summary>One thing that happened to an alert: new evidence, or a staff action (who, and via which client).</summary>
public sealed record AlertHistoryEntry
{
    public DateTimeOffset At { get; init; }
    public Guid? SurveyId { get; init; }
    public string? Action { get; init; }
    public string? Actor { get; init; }
    public string? Via { get; init; }
    public string? Severity { get; init; }
    public string? Summary { get; init; }
    public string? Outcome { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<string>? Rules { get; init; }
}

/// <summary><c>GET /api/alerts/{id}</c>: the alert and its history, oldest first.</summary>
public sealed record AlertDetail
{
    public AlertView Alert { get; init; } = new();
    public IReadOnlyList<AlertHistoryEntry> History { get; init; } = [];
}

public sealed record ResponseView
{
    public Guid SurveyId { get; init; }
    public string Timepoint { get; init; } = "";
    public string Item { get; init; } = "";
    public int Value { get; init; }
    public string Source { get; init; } = "";
    public DateTimeOffset AnsweredAt { get; init; }
    /// <summary>The staff member who entered it, for <c>staff</c> answers.</summary>
    public string? EnteredBy { get; init; }
    /// <summary>Null for the item's current answer; when a later answer replaced it, for an earlier version.</summary>
    public DateTimeOffset? SupersededAt { get; init; }
}

/// <summary>
/// A text a patient wrote that was neither an answer nor a keyword. <c>Kind</c>: <c>message</c> (on the worklist as an
/// alert) or <c>small-talk</c> ("ok", "thanks", numbers: listed only). <c>Phone</c> only for a number with no patient.
/// </summary>
public sealed record PatientMessage
{
    public string MessageSid { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string Body { get; init; } = "";
    public string Kind { get; init; } = "";
    public IReadOnlyList<string> UrgentWords { get; init; } = [];
    public string? Reply { get; init; }
    public Guid? EnrollmentId { get; init; }
    public Guid? PatientId { get; init; }
    public string? MrnLast4 { get; init; }
    public string? Facility { get; init; }
    public string? Timepoint { get; init; }
    public Guid? AlertId { get; init; }
    public string? AlertStatus { get; init; }
    public string? AlertSeverity { get; init; }
    public string? Phone { get; init; }

    public bool IsUrgent => UrgentWords.Count > 0;
}

// The outcome summary is read as decimals: they keep every digit the service wrote, so the dashboard and its CSV
// show exactly the service's numbers.
public sealed record VasStatistics
{
    public int N { get; init; }
    public decimal? Mean { get; init; }
    public decimal? Sd { get; init; }
    public decimal? Median { get; init; }
    public decimal? Q1 { get; init; }
    public decimal? Q3 { get; init; }
}

public sealed record MstsStatistics
{
    public int N { get; init; }
    public decimal? Mean { get; init; }
    public decimal? MeanPercent { get; init; }
}

public sealed record ConsensusCounts
{
    public int Complete { get; init; }
    public int Partial { get; init; }
    public int Progression { get; init; }
    public int Indeterminate { get; init; }
}

public sealed record OutcomeSummaryRow
{
    public string Timepoint { get; init; } = "";
    public int SurveysSent { get; init; }
    public int Answered { get; init; }
    public decimal? ResponseRate { get; init; }
    public VasStatistics Vas { get; init; } = new();
    public decimal? ReductionShare { get; init; }
    public MstsStatistics Msts { get; init; } = new();
    public ConsensusCounts Consensus { get; init; } = new();
}

public sealed record AlertStatistics
{
    public int Alerts { get; init; }
    public decimal? MedianMinutesToAcknowledge { get; init; }
    public IReadOnlyDictionary<string, int> ByRule { get; init; } = new Dictionary<string, int>();
}
