using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Enrollments;
using PainPro.Ingestion.Fhir;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Outcomes;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Sms;
using PainPro.Ingestion.Surveys;
using PainPro.Ingestion.WebForm;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Jobs;
using PainPro.ServiceDefaults.Messaging;
using PainPro.ServiceDefaults.OpenApi;

namespace PainPro.Ingestion;

public static class IngestionExtensions
{
    public const string ServiceName = "ingestion";

    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IngestionDb>();
        builder.AddValidatedOptions<IngestionOptions, IngestionOptionsValidator>(IngestionOptions.Section);
        builder.Services.AddDataProtection();
        builder.AddPainProOpenApi("PainPro Ingestion",
            "Receives patients' answers (Twilio SMS webhook, web form), raises and tracks alerts, lists answers and patient messages, summarises outcomes and serves FHIR R4 results.");

        builder.Services.AddSingleton<SurveyLinks>();
        builder.Services.AddSingleton<AlertBook>();
        builder.Services.AddSingleton<ServiceDefaults.Telemetry.IGaugeSource, Telemetry.OpenAlertGauges>();
        builder.Services.AddSingleton<ResponseRecorder>();
        builder.AddPatientMessages();
        builder.Services.AddSingleton<PhoneConversations>();
        builder.Services.AddSingleton<SmsInbox>();
        builder.AddDueWork<EarlyReplies>(ServiceName, "answer-early-replies", DueWorkPace.Sweep);
        builder.Services.AddSingleton<SurveyLinkGuard>();
        builder.Services.AddSingleton<OutcomeRollup>();
        builder.Services.AddSingleton<OutcomesSummary>();
        builder.Services.AddSingleton<OutcomeTrends>();
        builder.Services.AddSingleton<PseudonymKey>();
        builder.Services.AddSingleton<PatientExtract>();
        builder.AddDueWork<AlertEscalation>(ServiceName, "escalate-unacknowledged-alerts", DueWorkPace.Sweep);

        builder.AddConsumer<EnrollmentCreatedConsumer>(ServiceName);
        builder.AddConsumer<EnrollmentCancelledConsumer>(ServiceName);
        builder.AddConsumer<EnrollmentRescheduledConsumer>(ServiceName);
        builder.AddConsumer<SurveyDueConsumer>(ServiceName, batch: SurveyDueConsumer.Batching);
        builder.AddConsumer<SurveyExpiredConsumer>(ServiceName);
        builder.AddFhirApi();
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        // While the database is unreachable every endpoint answers 503 with Retry-After (ServiceDefaults), not 500.
        app.MapPainProOpenApi();
        app.MapSmsWebhook();
        app.MapDevInboundSms();
        app.MapPatientMessageApi();
        app.MapSurveyForm();
        app.MapUnsubscribe();
        app.MapAlertApi();
        app.MapResponseApi();
        app.MapOutcomesApi();
        app.MapFhirApi();
        app.MapAuditApi();
        return app;
    }
}
