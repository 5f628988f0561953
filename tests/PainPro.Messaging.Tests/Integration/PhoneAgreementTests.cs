using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Tests.Support;
using PainPro.Scheduling;
using PainPro.Scheduling.Intake;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Integration;

/// <summary>
/// One phone number, however it is written, is one E.164 number in every service: the number Scheduling's intake stores
/// (and later sends in SurveyDue) is the number Messaging's suppression list holds after an opt-out written another way.
/// </summary>
[Collection(MessagingHostCollection.Name)]
public class PhoneAgreementTests
{
    public static TheoryData<string, string> Spellings => new()
    {
        { "+1 (555) 123-0001", "+15551230001" },
        { "+1.555.123.0001", "tel:+15551230001" },
        { " +15551230001 ", "+1 555 123 0001" },
        { "+１５５５１２３０００１", "+1-555-123-0001" }, // full-width digits, as some phones type them
        { "+44 20 7946 0958", "+442079460958" },
    };

    [Theory, MemberData(nameof(Spellings))]
    public async Task An_opt_out_written_one_way_stops_the_survey_of_a_patient_registered_another_way(string atIntake, string atOptOut)
    {
        var intakePhone = ScheduledPhone(atIntake);
        await using var m = await MessagingHost.StartAsync(embedded: true);
        await m.PublishAsync(new PatientOptedOut(atOptOut, "STOP", DateTimeOffset.UtcNow.AddMinutes(-1)));
        var db = m.Host.Services.GetRequiredService<MessagingDb>();
        var suppressed = await Eventually.GetAsync(
            () => db.ReadAsync(c => c.QuerySingleOrDefaultAsync<string>("SELECT phone FROM sms_consent WHERE opted_out")),
            phone => phone is not null, "the opt-out to be recorded");

        var due = MessagingHost.Due(phone: intakePhone);
        await m.PublishAsync(due);

        var failed = await m.Watcher.WaitForFailedAsync(due.SurveyId);
        Assert.Equal(intakePhone, suppressed);
        Assert.Equal(DeliveryFailureReasons.OptedOut, failed.Reason);
        Assert.DoesNotContain(m.Twilio.Requests, r => r.To == intakePhone);
    }

    /// <summary>The phone Scheduling's intake stores for a patient registered with <paramref name="phone"/>.</summary>
    private static string ScheduledPhone(string phone)
    {
        var options = Options.Create(new SchedulingOptions());
        var validator = new RegistrationValidator(new ProtocolCatalog(options), new FacilitySettings(options), TimeProvider.System);
        var result = validator.Validate(new ProcedureRequest("EHR-PHONE",
            new PatientInput("000123", "Ana", "Ruiz", phone, null, "sms", "en", "Europe/London"),
            new ProcedureInput("cementoplasty", "femur", DateTimeOffset.UtcNow.AddDays(-1).ToString("O"), "Main", null), null));
        return Assert.IsType<Registration>(result.Registration).Phone!;
    }
}
