using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Fhir;
using PainPro.Scheduling.Intake;
using ProcedureRequest = PainPro.Scheduling.Intake.ProcedureRequest;

namespace PainPro.Scheduling.Fhir;

public enum BundleAction
{
    /// <summary>Procedure status preparation, in-progress or completed: enroll the patient.</summary>
    Register,
    /// <summary>Procedure status not-done or entered-in-error: cancel the enrollment of that identifier.</summary>
    Cancel,
}

/// <summary>What a transaction Bundle asks for, as the request <c>POST /api/procedures</c> would have carried it.</summary>
public sealed record ProcedureBundle(BundleAction Action, ProcedureRequest Request, string CancelReason, IReadOnlyList<Bundle.EntryComponent> Entries);

/// <summary>An element of the Bundle that cannot be read, by FHIRPath.</summary>
public sealed record BundleProblem(string Expression, string Message);

/// <summary>
/// Reads a transaction Bundle of one Patient, one Procedure and optionally one baseline pain Observation into a
/// <see cref="ProcedureRequest"/>. It only picks values out: whether they are acceptable is decided by the same
/// <see cref="RegistrationValidator"/> the JSON endpoint uses, so both refuse the same things with the same words.
/// </summary>
public sealed class ProcedureBundleReader(IOptions<FhirOptions> options)
{
    /// <summary>Where in the Bundle each field of the JSON request comes from: validation errors name FHIR paths.</summary>
    public static readonly IReadOnlyDictionary<string, string> ExpressionOfField = new Dictionary<string, string>
    {
        [""] = "Bundle",
        ["externalId"] = "Procedure.identifier",
        ["patient"] = "Patient",
        ["procedure"] = "Procedure",
        ["patient.mrn"] = "Patient.identifier",
        ["patient.givenName"] = "Patient.name.given",
        ["patient.familyName"] = "Patient.name.family",
        ["patient.phone"] = "Patient.telecom",
        ["patient.email"] = "Patient.telecom",
        ["patient.preferredChannel"] = "Patient.telecom.rank",
        ["patient.locale"] = "Patient.communication.language",
        ["patient.timeZone"] = $"Patient.extension('{FhirVocabulary.PatientTimeZoneExtension}')",
        ["procedure.type"] = "Procedure.code",
        ["procedure.bodySite"] = "Procedure.bodySite",
        ["procedure.performedAt"] = "Procedure.performed",
        ["procedure.facility"] = "Procedure.location.display",
        ["procedure.surgeon"] = "Procedure.performer.actor.display",
        ["baseline.vas"] = "Observation.value",
        ["baseline.recordedAt"] = "Observation.effective",
    };

    private static readonly HashSet<EventStatus> Registering = [EventStatus.Preparation, EventStatus.InProgress, EventStatus.Completed];
    private static readonly HashSet<EventStatus> Cancelling = [EventStatus.NotDone, EventStatus.EnteredInError];

    public (ProcedureBundle? Bundle, IReadOnlyList<BundleProblem> Problems) Read(Bundle bundle)
    {
        var problems = new List<BundleProblem>();
        if (bundle.Type != Bundle.BundleType.Transaction)
            problems.Add(new("Bundle.type", $"The Bundle must be a transaction, not '{bundle.Type?.ToString() ?? "missing"}'."));

        Patient? patient = null;
        Procedure? procedure = null;
        Observation? baseline = null;
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var resource = bundle.Entry[i].Resource;
            var accepted = resource switch
            {
                Patient p when patient is null => (patient = p) is not null,
                Procedure p when procedure is null => (procedure = p) is not null,
                Observation o when baseline is null => (baseline = o) is not null,
                _ => false,
            };
            if (!accepted)
                problems.Add(new($"Bundle.entry[{i}].resource",
                    $"A Bundle carries one Patient, one Procedure and at most one baseline pain Observation; entry {i} is {(resource is null ? "empty" : "another " + resource.TypeName)}."));
        }
        if (patient is null) problems.Add(new("Bundle.entry", "The Bundle has no Patient."));
        if (procedure is null) problems.Add(new("Bundle.entry", "The Bundle has no Procedure."));
        if (patient is null || procedure is null || problems.Count > 0) return (null, problems);

        var patientUrl = FullUrlOf(bundle, patient);
        if (!Refers(procedure.Subject, patient, patientUrl))
            problems.Add(new("Procedure.subject", "The Procedure's subject must reference the Patient in this Bundle (its fullUrl)."));
        if (baseline is not null && !Refers(baseline.Subject, patient, patientUrl))
            problems.Add(new("Observation.subject", "The Observation's subject must reference the Patient in this Bundle (its fullUrl)."));

        var action = BundleAction.Register;
        if (procedure.Status is { } status && Cancelling.Contains(status)) action = BundleAction.Cancel;
        else if (procedure.Status is not { } s || !Registering.Contains(s))
            problems.Add(new("Procedure.status",
                $"Procedure status '{procedure.StatusElement?.JsonValue ?? "missing"}' is not taken: preparation, in-progress or completed enrolls the patient; not-done or entered-in-error cancels."));

        var (vas, recordedAt) = Baseline(baseline, problems);
        if (problems.Count > 0) return (null, problems);

        var (phone, email, channel) = Telecom(patient);
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official)
                   ?? patient.Name.FirstOrDefault(n => n.Use != HumanName.NameUse.Old)
                   ?? patient.Name.FirstOrDefault();
        var request = new ProcedureRequest(
            ExternalId(procedure),
            new PatientInput(
                Mrn(patient), name?.Given.FirstOrDefault(), name?.Family, phone, email, channel, Locale(patient),
                (patient.GetExtension(FhirVocabulary.PatientTimeZoneExtension)?.Value as Code)?.Value),
            new ProcedureInput(
                Mapped(procedure.Code, FhirVocabulary.ProcedureType, options.Value.ProcedureCodes, m => m.Type),
                Mapped(procedure.BodySite.FirstOrDefault(), FhirVocabulary.BodySite, options.Value.BodySiteCodes, m => m.Site),
                procedure.Performed switch
                {
                    FhirDateTime at => at.Value,
                    Period period => period.Start,
                    _ => null,
                },
                procedure.Location?.Display,
                procedure.Performer.Select(p => p.Actor?.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d))),
            baseline is null ? null : new BaselineInput(vas, recordedAt));

        var reason = procedure.StatusReason?.Text
                     ?? procedure.StatusReason?.Coding.Select(c => c.Display ?? c.Code).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t))
                     ?? procedure.StatusElement?.JsonValue?.ToString()
                     ?? "cancelled";
        return (new ProcedureBundle(action, request, reason.Trim(), bundle.Entry), problems);
    }

    private string? Mrn(Patient patient)
    {
        var identifiers = patient.Identifier.Where(i => !string.IsNullOrWhiteSpace(i.Value)).ToList();
        return (identifiers.FirstOrDefault(i => i.System == options.Value.MrnSystem)
                ?? identifiers.FirstOrDefault(i => i.Type?.Coding.Any(c => c.System == FhirVocabulary.IdentifierType && c.Code == "MR") == true)
                ?? (identifiers.Count == 1 ? identifiers[0] : null))?.Value;
    }

    private string? ExternalId(Procedure procedure)
    {
        var identifiers = procedure.Identifier.Where(i => !string.IsNullOrWhiteSpace(i.Value)).ToList();
        return (identifiers.FirstOrDefault(i => i.System == options.Value.ProcedureIdentifierSystem)
                ?? (identifiers.Count == 1 ? identifiers[0] : null))?.Value;
    }

    /// <summary>
    /// The best-ranked phone (system phone or sms) and email; the preferred channel is the one ranked first (rank 1 is
    /// the most preferred). Without ranks the choice is left to validation, which prefers text when there is a phone.
    /// </summary>
    private static (string? Phone, string? Email, string? Channel) Telecom(Patient patient)
    {
        static ContactPoint? Best(IEnumerable<ContactPoint> points) =>
            points.Where(p => !string.IsNullOrWhiteSpace(p.Value) && p.Use != ContactPoint.ContactPointUse.Old)
                .OrderBy(p => p.Rank ?? int.MaxValue).FirstOrDefault();

        var phone = Best(patient.Telecom.Where(t => t.System is ContactPoint.ContactPointSystem.Phone or ContactPoint.ContactPointSystem.Sms));
        var email = Best(patient.Telecom.Where(t => t.System == ContactPoint.ContactPointSystem.Email));
        string? channel = null;
        if (phone?.Rank is not null || email?.Rank is not null)
            channel = (phone?.Rank ?? int.MaxValue) <= (email?.Rank ?? int.MaxValue) ? Channels.Sms : Channels.Email;
        return (phone?.Value, email?.Value, channel);
    }

    private static string? Locale(Patient patient)
    {
        var communication = patient.Communication.FirstOrDefault(c => c.Preferred == true) ?? patient.Communication.FirstOrDefault();
        return communication?.Language?.Coding.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Code))?.Code ?? communication?.Language?.Text;
    }

    /// <summary>
    /// Our code for a concept: a coding in our code system, else a site's configured code, else the text; failing
    /// those, the first code given, so validation can say it is not one we know.
    /// </summary>
    private static string? Mapped(CodeableConcept? concept, string ourSystem, IReadOnlyList<CodeMapping> mappings, Func<CodeMapping, string?> target)
    {
        if (concept is null) return null;
        var ours = concept.Coding.FirstOrDefault(c => c.System == ourSystem && !string.IsNullOrWhiteSpace(c.Code));
        if (ours is not null) return ours.Code;
        foreach (var coding in concept.Coding)
        {
            var mapping = mappings.FirstOrDefault(m => m.System == coding.System && m.Code == coding.Code);
            if (mapping is not null && target(mapping) is { } mapped) return mapped;
        }
        return !string.IsNullOrWhiteSpace(concept.Text) ? concept.Text : concept.Coding.FirstOrDefault()?.Code;
    }

    private static (int? Vas, string? RecordedAt) Baseline(Observation? observation, List<BundleProblem> problems)
    {
        if (observation is null) return (null, null);
        if (observation.Code?.Coding.Any(c => c.System == FhirVocabulary.Loinc && c.Code == FhirVocabulary.PainSeverityCode) != true)
        {
            problems.Add(new("Observation.code", $"The only Observation taken is the baseline pain score, coded LOINC {FhirVocabulary.PainSeverityCode}."));
            return (null, null);
        }
        decimal? value = observation.Value switch
        {
            Integer i => i.Value,
            Quantity q => q.Value,
            _ => null,
        };
        if (value is { } v && v != Math.Truncate(v))
        {
            problems.Add(new("Observation.value", $"{v} is not a VAS score; use a whole number from 0 to 10."));
            return (null, null);
        }
        var recordedAt = observation.Effective switch
        {
            FhirDateTime at => at.Value,
            Instant at => at.Value?.ToString("O"),
            _ => null,
        };
        return (value is { } whole && whole is >= int.MinValue and <= int.MaxValue ? (int)whole : null, recordedAt);
    }

    private static string? FullUrlOf(Bundle bundle, Resource resource) =>
        bundle.Entry.FirstOrDefault(e => ReferenceEquals(e.Resource, resource))?.FullUrl;

    private static bool Refers(ResourceReference? reference, Patient patient, string? fullUrl) =>
        reference?.Reference is { } target
        && ((fullUrl is not null && target == fullUrl) || (patient.Id is not null && target == $"Patient/{patient.Id}"));
}
