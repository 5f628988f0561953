using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PainPro.Scheduling.Dispatch;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.ChannelFallback;
using PainPro.Scheduling.SurveyReports;
using PainPro.Scheduling.Fhir;
using PainPro.Scheduling.Intake;
using PainPro.Scheduling.Patients;
using PainPro.Scheduling.Reports;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Facilities;
using PainPro.ServiceDefaults.Jobs;
using PainPro.ServiceDefaults.Messaging;
using PainPro.ServiceDefaults.OpenApi;

namespace PainPro.Scheduling;

public static class SchedulingExtensions
{
    public const string ServiceName = "scheduling";

    /// <summary>Survey reports (sent, deferred, completed) in batches of up to 50, handed over 20 ms after the first at the latest, two batches at once.</summary>
    private static readonly ConsumerBatch SurveyReportBatch = new(50, TimeSpan.FromMilliseconds(20), 2);

    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<SchedulingDb>();
        builder.AddValidatedOptions<SchedulingOptions, SchedulingOptionsValidator>(SchedulingOptions.Section);

        builder.AddPainProOpenApi("PainPro Scheduling",
            "Registers procedures (one by one, as CSV or as a FHIR transaction), reads, reschedules and cancels enrollments, finds patients and reports enrollments and delivery.");
        builder.Services.AddSingleton<ProtocolCatalog>();
        builder.Services.AddSingleton<FacilitySettings>();
        builder.Services.AddSingleton<RegistrationValidator>();
        builder.Services.AddSingleton<EnrollmentRegistrar>();
        builder.Services.AddSingleton<Reports.ReportRollup>();
        builder.Services.AddSingleton<ServiceDefaults.Telemetry.IGaugeSource, Telemetry.DueSurveyGauges>();
        builder.Services.AddSingleton<CsvImporter>();
        builder.Services.AddSingleton<CsvImportJobs>();
        builder.AddDueWork<FinishedImportsPurge>(ServiceName, "delete-old-import-reports", cron: JobSchedules.EveryMinute);
        builder.Services.AddSingleton<EnrollmentChanges>();
        builder.AddFhirIntake();
        builder.Services.AddSingleton<SurveyLinkTokens>();

        builder.AddDueWork<PlainLinkTokenConversion>(ServiceName, "protect-plain-link-tokens", cron: JobSchedules.EveryMinute);
        // Expiry first: after a long pause a survey whose window has closed expires rather than being sent late.
        builder.AddDueWork<SurveyExpiry>(ServiceName, "expire-closed-surveys", DueWorkPace.Sweep);
        builder.AddDueWork<DueSurveyClaim>(ServiceName, "claim-due-surveys");

        // One report per survey sent, one completion per survey answered: a batch commits once for up to fifty of them.
        builder.AddConsumer<SurveyCompletedConsumer>(ServiceName, batch: SurveyReportBatch);
        builder.AddConsumer<SurveyDeliveryFailedConsumer>(ServiceName);
        builder.AddConsumer<SurveySentConsumer>(ServiceName, batch: SurveyReportBatch);
        builder.AddConsumer<SurveyDeferredConsumer>(ServiceName, batch: SurveyReportBatch);
        builder.AddConsumer<PatientOptedOutConsumer>(ServiceName);
        builder.AddConsumer<PatientOptedInConsumer>(ServiceName);
        builder.AddConsumer<PatientUnsubscribedConsumer>(ServiceName);
        return builder;
    }

    public static WebApplication MapScheduling(this WebApplication app)
    {
        app.MapPainProOpenApi();
        app.MapIntake();
        app.MapEnrollments();
        app.MapPatients();
        app.MapReports();
        app.MapFhirIntake();
        app.MapPatientViewAudit();
        return app;
    }
}

/// <summary>Checks protocols and send windows at start-up, so a typo stops the service with the key that is wrong.</summary>
internal sealed class SchedulingOptionsValidator(FacilityDirectory? directory = null) : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        try
        {
            _ = new ProtocolCatalog(Options.Create(options));
            _ = new FacilitySettings(Options.Create(options), directory);
        }
        catch (InvalidOperationException ex) { return ValidateOptionsResult.Fail(ex.Message); }
        if (options.ClaimBatchSize < 1) return ValidateOptionsResult.Fail($"{SchedulingOptions.Section}:ClaimBatchSize must be at least 1.");
        if (options.ImportBatchSize < 1) return ValidateOptionsResult.Fail($"{SchedulingOptions.Section}:ImportBatchSize must be at least 1.");
        if (options.ImportSynchronousRowLimit < 0) return ValidateOptionsResult.Fail($"{SchedulingOptions.Section}:ImportSynchronousRowLimit must not be negative.");
        return ValidateOptionsResult.Success;
    }
}
