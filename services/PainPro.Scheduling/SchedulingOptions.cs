namespace PainPro.Scheduling;

/// <summary>
/// Everything under <c>PainPro:Scheduling</c>. All of it is optional: without configuration the protocols of
/// DESIGN §4 and a 09:00–19:00 send window apply.
/// </summary>
public sealed class SchedulingOptions
{
    public const string Section = "PainPro:Scheduling";

    /// <summary>
    /// Protocol overrides per procedure type (<c>Protocols:{procedureType}:{timepoint}:…</c>). A configured
    /// procedure type that is not one of the built-in ones becomes a known type.
    /// </summary>
    public Dictionary<string, Dictionary<string, TimepointOptions>> Protocols { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-facility settings (<c>Facilities:{name}:SendWindowStart</c> …), matched case-insensitively.</summary>
    public Dictionary<string, FacilityOptions> Facilities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Local time of day from which surveys and reminders may be sent, <c>HH:mm</c>.</summary>
    public string SendWindowStart { get; set; } = "09:00";

    /// <summary>Local time of day from which nothing is sent until the next start, <c>HH:mm</c> (<c>24:00</c> allowed).</summary>
    public string SendWindowEnd { get; set; } = "19:00";

    /// <summary>
    /// How many due surveys one claim transaction takes. The batch's writes are set-based, so a larger batch mostly
    /// saves the per-transaction cost (claim, planning, commit); 500 cut Scheduling's CPU per survey by about 40% against 200 on
    /// PostgreSQL, while a batch still commits within tens of milliseconds (SQLite's single writer waits no longer).
    /// </summary>
    public int ClaimBatchSize { get; set; } = 500;

    /// <summary>How many CSV rows one import transaction writes.</summary>
    public int ImportBatchSize { get; set; } = 500;

    /// <summary>
    /// CSV files with more rows than this are imported as a background job (202 and a status to poll) rather than
    /// within the request.
    /// </summary>
    public int ImportSynchronousRowLimit { get; set; } = 2000;
}

/// <summary>One timepoint of a protocol. Unset values keep the default of DESIGN §4.</summary>
public sealed class TimepointOptions
{
    /// <summary>False drops the timepoint from the procedure type's protocol.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Calendar days after the procedure's local date (at its local time of day). Not used by <c>baseline</c>.</summary>
    public int? DueAfterDays { get; set; }

    /// <summary>Calendar days after the procedure's local date when the window closes. Not used by <c>baseline</c>.</summary>
    public int? ClosesAfterDays { get; set; }

    /// <summary>Hours after the first send at which reminders go (each moved into the send window).</summary>
    public List<double>? RemindersAfterHours { get; set; }

    /// <summary>Instrument codes; <c>msts</c> stands for the MSTS variant of the body site (none for spine and other sites).</summary>
    public List<string>? Instruments { get; set; }
}

public sealed class FacilityOptions
{
    public string? SendWindowStart { get; set; }
    public string? SendWindowEnd { get; set; }

    /// <summary>IANA zone used when a patient comes without one.</summary>
    public string? TimeZone { get; set; }
}
