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
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion;

public static class IngestionExtensions
{
    public const string ServiceName = "ingestion";

    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IngestionDb>();
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(IngestionOptions.Section)
            .Validate(o => Durations.TryParse(o.Alerts.EscalateAfter, out _),
                "PainPro:Ingestion:Alerts:EscalateAfter must be a positive duration such as PT4H.")
            .Validate(o => Durations.TryParse(o.Sms.EarlyReplyHold, out _),
                "PainPro:Ingestion:Sms:EarlyReplyHold must be a positive duration such as PT5M.")
            .Validate(o => o.Alerts.AcknowledgeMediumWithin > TimeSpan.Zero && o.Alerts.AcknowledgeLowWithin > TimeSpan.Zero,
                "PainPro:Ingestion:Alerts:AcknowledgeMediumWithin and AcknowledgeLowWithin must be positive durations such as 1.00:00:00.")
            .Validate(o => o.SurveyLinks.FailedLookupsPerMinute > 0,
                "PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinute must be positive.")
            .Validate(o => o.SurveyLinks.FailedLookupsPerMinuteTotal > 0,
                "PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinuteTotal must be positive.")
            .ValidateOnStart();
        builder.Services.AddDataProtection();

        builder.Services.AddSingleton<SurveyLinks>();
        builder.Services.AddSingleton<AlertBook>();
        builder.Services.AddSingleton<ResponseRecorder>();
        builder.AddPatientMessages();
        builder.Services.AddSingleton<PhoneConversations>();
        builder.Services.AddSingleton<SmsInbox>();
        builder.Services.AddSingleton<EarlyReplies>();
        builder.Services.AddSingleton<IDueWork>(services => services.GetRequiredService<EarlyReplies>());
        builder.Services.AddSingleton<SurveyLinkGuard>();
        builder.Services.AddSingleton<OutcomesSummary>();
        builder.Services.AddSingleton<OutcomeTrends>();
        builder.Services.AddSingleton<PseudonymKey>();
        builder.Services.AddSingleton<PatientExtract>();
        builder.Services.AddSingleton<IDueWork, AlertEscalation>();

        builder.AddConsumer<EnrollmentCreatedConsumer>(ServiceName);
        builder.AddConsumer<EnrollmentCancelledConsumer>(ServiceName);
        builder.AddConsumer<EnrollmentRescheduledConsumer>(ServiceName);
        builder.AddConsumer<SurveyDueConsumer>(ServiceName);
        builder.AddConsumer<SurveyExpiredConsumer>(ServiceName);
        builder.AddFhirApi();
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        // While the database is unreachable every endpoint answers 503 with Retry-After (ServiceDefaults), not 500.
        app.MapSmsWebhook();
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
