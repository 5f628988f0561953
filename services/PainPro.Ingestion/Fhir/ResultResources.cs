using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Fhir;
using PainPro.Instruments;

namespace PainPro.Ingestion.Fhir;

/// <summary>The kinds of Observation a survey yields, in the order a page lists them.</summary>
public enum ObservationKind { Pain = 0, MstsTotal = 1, MstsPercent = 2, ResponseClass = 3 }

/// <summary>
/// Turns Ingestion's rows into FHIR R4 resources: QuestionnaireResponse per survey, its Observations, DetectedIssue per
/// alert, and the minimal Patient and Procedure they reference (Scheduling holds the rest of those). Values come only
/// from current answers; scores are computed with <see cref="Scoring"/>, as everywhere else.
/// </summary>
public sealed class ResultResources(IOptions<FhirOptions> options, TimeProvider clock)
{
    public static readonly IReadOnlyDictionary<ObservationKind, Coding> CodeOf = new Dictionary<ObservationKind, Coding>
    {
        [ObservationKind.Pain] = QuestionnaireCatalog.ItemCode(ItemCodes.Vas),
        [ObservationKind.MstsTotal] = new(FhirVocabulary.Concepts, FhirVocabulary.Codes.MstsTotal, "MSTS total score (0-30)"),
        [ObservationKind.MstsPercent] = new(FhirVocabulary.Concepts, FhirVocabulary.Codes.MstsPercent, "MSTS score, percent of maximum"),
        [ObservationKind.ResponseClass] = new(FhirVocabulary.Concepts, FhirVocabulary.Codes.ConsensusResponseClass, "Consensus response class (Chow 2012)"),
    };

    public static string ObservationId(Guid surveyId, ObservationKind kind) => kind switch
    {
        ObservationKind.Pain => $"{surveyId}-pain",
        ObservationKind.MstsTotal => $"{surveyId}-msts-total",
        ObservationKind.MstsPercent => $"{surveyId}-msts-percent",
        _ => $"{surveyId}-response-class",
    };

    public QuestionnaireResponse Response(SurveyResult survey, IReadOnlyList<AnswerRow> answers)
    {
        var locale = InstrumentCatalog.ResolveLocale(survey.Locale);
        var byItem = answers.ToDictionary(a => a.Item);
        var response = new QuestionnaireResponse
        {
            Id = survey.Id.ToString(),
            Meta = new Meta { LastUpdated = survey.LastUpdated },
            Language = locale,
            Identifier = new Identifier(FhirVocabulary.SurveyIdentifier, survey.Id.ToString()),
            Questionnaire = QuestionnaireCatalog.CanonicalOf(survey.InstrumentCodes),
            Status = AnswerVersions.Status(survey.Status == "completed", answers.Select(a => a.IsRevised)),
            Subject = PatientReference(survey.PatientId, survey.Mrn),
            PartOf = [ProcedureReference(survey.EnrollmentId)],
            Authored = survey.LastUpdated.ToString("o", CultureInfo.InvariantCulture),
            Source = PatientReference(survey.PatientId, survey.Mrn),
        };
        // Staff who entered an answer collected by phone are its author; otherwise the patient wrote it all.
        var staff = answers.Where(a => a.EnteredBy is not null).MaxBy(a => a.AnsweredAt);
        response.Author = staff is null ? PatientReference(survey.PatientId, survey.Mrn) : new ResourceReference { Display = staff.EnteredBy };
        response.Extension.Add(TimepointExtension(survey.Timepoint));

        foreach (var instrument in survey.InstrumentCodes.Where(InstrumentCatalog.IsInstrument))
        {
            var items = InstrumentCatalog.ItemsOf(instrument);
            var answered = items.Where(i => byItem.ContainsKey(i.Code)).Select(i => Answer(i.Code, byItem[i.Code].Value, locale)).ToList();
            if (answered.Count == 0) continue;
            if (instrument is InstrumentCodes.MstsLower or InstrumentCodes.MstsUpper)
                response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = instrument, Item = answered });
            else response.Item.AddRange(answered);
        }
        return response;
    }

    /// <summary>The Observations a survey yields, in <see cref="ObservationKind"/> order; only those its answers allow.</summary>
    public IEnumerable<(ObservationKind Kind, Observation Observation)> Observations(SurveyResult survey, IReadOnlyList<AnswerRow> answers)
    {
        var values = answers.ToDictionary(a => a.Item, a => a.Value);
        var byItem = answers.ToDictionary(a => a.Item);
        if (values.TryGetValue(ItemCodes.Vas, out var vas))
            yield return (ObservationKind.Pain, Observation(survey, ObservationKind.Pain, [byItem[ItemCodes.Vas]], Score(vas, "{score}", "score")));

        var mstsInstrument = survey.InstrumentCodes.FirstOrDefault(c => c is InstrumentCodes.MstsLower or InstrumentCodes.MstsUpper);
        if (mstsInstrument is not null && Scoring.Msts(values, mstsInstrument) is { } msts)
        {
            var items = InstrumentCatalog.ItemsOf(mstsInstrument).Select(i => byItem[i.Code]).ToList();
            yield return (ObservationKind.MstsTotal, Observation(survey, ObservationKind.MstsTotal, items, Score(msts.Total, "{score}", "score")));
            yield return (ObservationKind.MstsPercent, Observation(survey, ObservationKind.MstsPercent, items, Score(msts.Percent, "%", "%")));
        }

        if (survey.Timepoint != Timepoints.Baseline && survey.BaselineVas is { } baseline && values.ContainsKey(ItemCodes.Vas)
            && values.TryGetValue(ItemCodes.Analgesic, out var analgesic)
            && Scoring.Consensus(baseline, vas, Scoring.AnalgesicChange(analgesic)) is { } consensus)
        {
            var code = consensus.ToCode();
            yield return (ObservationKind.ResponseClass, Observation(survey, ObservationKind.ResponseClass,
                [byItem[ItemCodes.Vas], byItem[ItemCodes.Analgesic]],
                new CodeableConcept(FhirVocabulary.ConsensusClass, code, char.ToUpperInvariant(code[0]) + code[1..])));
        }
    }

    /// <summary>
    /// An alert as a DetectedIssue: a clinical finding about the treatment, with the rules and the results as its
    /// evidence, its severity, the one-line summary as its detail and the nurse's acknowledgement and resolution as
    /// mitigations (README: why not Flag).
    /// </summary>
    /// <param name="evidence">The QuestionnaireResponse and Observations of the alert's survey, when they are shown.</param>
    public DetectedIssue Issue(AlertRow alert, IEnumerable<Resource> evidence)
    {
        var issue = new DetectedIssue
        {
            Id = alert.Id.ToString(),
            Meta = new Meta { LastUpdated = alert.UpdatedAt },
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(FhirVocabulary.Concepts, FhirVocabulary.Codes.PainAlert, "PainPro pain alert"),
            Severity = alert.Severity switch
            {
                AlertSeverities.High => DetectedIssue.DetectedIssueSeverity.High,
                AlertSeverities.Medium => DetectedIssue.DetectedIssueSeverity.Moderate,
                _ => DetectedIssue.DetectedIssueSeverity.Low,
            },
            Patient = PatientReference(alert.PatientId, alert.Mrn),
            Identified = new FhirDateTime(alert.RaisedAt),
            Implicated = [ProcedureReference(alert.EnrollmentId)],
            Detail = alert.Summary,
        };
        var evidenceComponent = new DetectedIssue.EvidenceComponent
        {
            Code = [.. alert.Rules.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(rule => new CodeableConcept(FhirVocabulary.AlertRule, rule))],
            Detail = [.. evidence.Select(r => new ResourceReference($"{r.TypeName}/{r.Id}"))],
        };
        issue.Evidence.Add(evidenceComponent);
        if (alert.AcknowledgedAt is { } acknowledged)
            issue.Mitigation.Add(Mitigation("acknowledged", "Acknowledged", acknowledged, alert.AcknowledgedBy, null));
        if (alert.ResolvedAt is { } resolved)
            issue.Mitigation.Add(Mitigation("resolved", "Resolved", resolved, alert.ResolvedBy,
                string.Join(": ", new[] { alert.Outcome, alert.ResolutionNote }.Where(t => !string.IsNullOrWhiteSpace(t)))));
        return issue;
    }

    /// <summary>What Ingestion knows of the patient: the id and the MRN. Names and contacts stay with Scheduling.</summary>
    public Patient Patient(Guid patientId, string? mrn)
    {
        var patient = new Patient { Id = patientId.ToString() };
        if (mrn is not null) patient.Identifier.Add(MrnIdentifier(mrn));
        return patient;
    }

    /// <summary>What Ingestion knows of the procedure. Cancellation is Scheduling's to tell: here a procedure is done once its time has come.</summary>
    public Procedure Procedure(EnrollmentRow enrollment)
    {
        var procedure = new Procedure
        {
            Id = enrollment.Id.ToString(),
            Status = enrollment.PerformedAt <= clock.GetUtcNow() ? EventStatus.Completed : EventStatus.Preparation,
            Code = new CodeableConcept(FhirVocabulary.ProcedureType, enrollment.ProcedureType),
            BodySite = [new CodeableConcept(FhirVocabulary.BodySite, enrollment.BodySite)],
            Subject = PatientReference(enrollment.PatientId, enrollment.Mrn),
            Performed = new FhirDateTime(enrollment.PerformedAt),
            Location = new ResourceReference { Display = enrollment.Facility },
        };
        if (enrollment.ExternalId is not null) procedure.Identifier.Add(new Identifier(options.Value.ProcedureIdentifierSystem, enrollment.ExternalId));
        return procedure;
    }

    public ResourceReference PatientReference(Guid patientId, string? mrn) => new($"Patient/{patientId}")
    {
        Identifier = mrn is null ? null : MrnIdentifier(mrn),
    };

    private static ResourceReference ProcedureReference(Guid enrollmentId) => new($"Procedure/{enrollmentId}");

    private Identifier MrnIdentifier(string mrn) => new(options.Value.MrnSystem, mrn)
    {
        Type = new CodeableConcept(FhirVocabulary.IdentifierType, "MR", "Medical record number"),
    };

    private Observation Observation(SurveyResult survey, ObservationKind kind, IReadOnlyList<AnswerRow> from, DataType value)
    {
        var observation = new Observation
        {
            Id = ObservationId(survey.Id, kind),
            Meta = new Meta { LastUpdated = survey.LastUpdated },
            Status = from.Any(a => a.IsRevised) ? ObservationStatus.Amended : ObservationStatus.Final,
            Category = [new CodeableConcept(FhirVocabulary.ObservationCategory, "survey", "Survey")],
            Code = new CodeableConcept { Coding = [CodeOf[kind]] },
            Subject = PatientReference(survey.PatientId, survey.Mrn),
            PartOf = [ProcedureReference(survey.EnrollmentId)],
            DerivedFrom = [new ResourceReference($"QuestionnaireResponse/{survey.Id}")],
            Effective = new FhirDateTime(survey.Effective),
            Issued = survey.LastUpdated,
            Value = value,
        };
        observation.Extension.Add(TimepointExtension(survey.Timepoint));
        return observation;
    }

    private static Quantity Score(decimal value, string ucum, string unit) =>
        new() { Value = value, Unit = unit, System = FhirVocabulary.Ucum, Code = ucum };

    private static QuestionnaireResponse.ItemComponent Answer(string itemCode, int value, string locale) => new()
    {
        LinkId = itemCode,
        Answer =
        [
            new QuestionnaireResponse.AnswerComponent
            {
                Value = itemCode == ItemCodes.Vas ? new Integer(value) : QuestionnaireCatalog.AnswerCoding(itemCode, value, locale),
            },
        ],
    };

    private static Extension TimepointExtension(string timepoint) =>
        new(FhirVocabulary.TimepointExtension, new Code(timepoint));

    private static DetectedIssue.MitigationComponent Mitigation(string code, string display, DateTimeOffset at, string? by, string? note)
    {
        var action = new CodeableConcept(FhirVocabulary.AlertAction, code, display);
        if (!string.IsNullOrWhiteSpace(note)) action.Text = $"{display}: {note}";
        return new DetectedIssue.MitigationComponent
        {
            Action = action,
            Date = at.ToString("o", CultureInfo.InvariantCulture),
            Author = string.IsNullOrWhiteSpace(by) ? null : new ResourceReference { Display = by },
        };
    }
}
