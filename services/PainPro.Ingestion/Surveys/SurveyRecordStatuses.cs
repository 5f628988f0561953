namespace PainPro.Ingestion.Surveys;

public static class SurveyRecordStatuses
{
    /// <summary>Sent and inside its window: it can be answered by text and by the form.</summary>
    public const string Open = "open";

    /// <summary>Every item answered; the form may still replace answers until the window closes.</summary>
    public const string Completed = "completed";

    /// <summary>The window closed; only staff may still enter answers collected by phone.</summary>
    public const string Expired = "expired";
}
