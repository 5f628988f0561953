using Hl7.Fhir.Model;
using PainPro.Fhir;

namespace PainPro.Fhir.Tests.Support;

/// <summary>Transaction Bundles as an integration engine sends them: Patient + Procedure (+ a baseline pain score).</summary>
public static class ProcedureBundles
{
    public const string MrnSystem = FhirVocabulary.CanonicalBase + "/sid/mrn";
    public const string ProcedureSystem = FhirVocabulary.CanonicalBase + "/sid/procedure";

    public sealed record Spec(
        string ExternalId,
        string Mrn,
        string Phone,
        DateTimeOffset PerformedAt,
        string TimeZone = "America/New_York",
        string Type = "cementoplasty",
        string BodySite = "femur",
        string Language = "en",
        int? BaselineVas = 6,
        EventStatus Status = EventStatus.Completed,
        string GivenName = "Ana");

    public static string NewMrn() => Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NewPhone() => "+1555" + Random.Shared.Next(1000000, 9999999);

    /// <summary>A new patient and procedure; the time in whole seconds, as an EHR sends it.</summary>
    public static Spec New(DateTimeOffset performedAt) =>
        new("FHIR-" + Guid.NewGuid().ToString("N")[..10], NewMrn(), NewPhone(),
            new DateTimeOffset(performedAt.UtcTicks - performedAt.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero));

    public static Bundle Transaction(Spec spec)
    {
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var patient = new Patient
        {
            Identifier = [new Identifier(MrnSystem, spec.Mrn) { Type = new CodeableConcept(FhirVocabulary.IdentifierType, "MR") }],
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "Ruiz", Given = [spec.GivenName] }],
            Telecom =
            [
                new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, spec.Phone) { Rank = 1 },
                new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, $"{spec.Mrn}@example.org") { Rank = 2 },
            ],
            Communication = [new Patient.CommunicationComponent { Language = new CodeableConcept(FhirVocabulary.Bcp47, spec.Language), Preferred = true }],
        };
        patient.AddExtension(FhirVocabulary.PatientTimeZoneExtension, new Code(spec.TimeZone));
        var procedure = new Procedure
        {
            Identifier = [new Identifier(ProcedureSystem, spec.ExternalId)],
            Status = spec.Status,
            Code = new CodeableConcept(FhirVocabulary.ProcedureType, spec.Type),
            BodySite = [new CodeableConcept(FhirVocabulary.BodySite, spec.BodySite)],
            Subject = new ResourceReference(patientUrl),
            Performed = new FhirDateTime(spec.PerformedAt),
            Performer = [new Procedure.PerformerComponent { Actor = new ResourceReference { Display = "Dr. Lee" } }],
            Location = new ResourceReference { Display = "Main" },
        };
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(Entry(patientUrl, patient, "Patient"));
        bundle.Entry.Add(Entry("urn:uuid:" + Guid.NewGuid(), procedure, "Procedure"));
        if (spec.BaselineVas is { } vas)
        {
            var baseline = new Observation
            {
                Status = ObservationStatus.Final,
                Code = new CodeableConcept(FhirVocabulary.Loinc, FhirVocabulary.PainSeverityCode),
                Subject = new ResourceReference(patientUrl),
                Effective = new FhirDateTime(spec.PerformedAt.AddHours(-5)),
                Value = new Integer(vas),
            };
            bundle.Entry.Add(Entry("urn:uuid:" + Guid.NewGuid(), baseline, "Observation"));
        }
        return bundle;
    }

    private static Bundle.EntryComponent Entry(string fullUrl, Resource resource, string type) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = type },
    };
}
