namespace PainPro.Portal.Audit;

/// <summary>Readable names for the audit codes of every service. An unknown code is shown as it is, never hidden.</summary>
public static class AuditVocabulary
{
    public static string Label(string action) => action switch
    {
        // Portal (accounts, keys, this page)
        "sign-in.succeeded" => "Signed in",
        "sign-in.failed" => "Failed to sign in",
        "sign-in.locked-out" => "Locked out after failed sign-ins",
        "account.created" => "Created a staff account",
        "account.password-set" => "Set a staff account's password",
        "account.role-set" => "Changed a staff account's role",
        "account.disabled" => "Disabled a staff account",
        "account.enabled" => "Enabled a staff account",
        "account.unlocked" => "Unlocked a staff account",
        "api-key.issued" => "Issued an integration API key",
        "api-key.revoked" => "Revoked an integration API key",
        AuditTrail.ViewedAction => "Viewed the audit log",
        AuditTrail.ExportedAction => "Exported the audit log",
        // Scheduling (patients)
        "search" => "Found the patient in a search",
        "view" => "Opened the patient's record",
        "list" => "Saw the patient listed on the worklist",
        // Ingestion (alerts and answers)
        "viewed-alert" => "Opened an alert",
        "viewed-responses" => "Viewed the patient's answers",
        "viewed-messages" => "Read messages from patients",
        "entered-responses" => "Entered answers for the patient",
        "resubmitted-form" => "Patient changed answers on the web form",
        "unsubscribed-email" => "Patient stopped survey emails (unsubscribe link)",
        "alert.acknowledged" => "Acknowledged an alert",
        "alert.resolved" => "Resolved an alert",
        "alert.note" => "Added a note to an alert",
        "alert.call" => "Recorded a call about an alert",
        "alert.reopened" => "Reopened an alert",
        "alert.assigned" => "Took an alert (assigned to self)",
        "alert.released" => "Gave back an alert",
        "exported-extract" => "Downloaded the de-identified patient extract",
        _ => action,
    };
}
