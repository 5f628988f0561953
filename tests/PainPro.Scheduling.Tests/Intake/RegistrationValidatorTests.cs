using Microsoft.Extensions.Options;
using PainPro.Scheduling.Intake;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using Xunit;

namespace PainPro.Scheduling.Tests.Intake;

public class RegistrationValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static readonly ProcedureRequest Example = new(
        "EHR-123",
        new PatientInput("000123", "Ana", "Ruiz", "+15551230001", "ana@example.org", "sms", "es", "America/New_York"),
        new ProcedureInput("cementoplasty", "femur", "2026-11-20T14:00:00-05:00", "Main", "Dr. Lee"),
        new BaselineInput(8, "2026-11-20T09:00:00-05:00"));

    [Fact]
    public void The_design_example_is_accepted_and_normalised()
    {
        var result = Validator().Validate(Example with
        {
            Procedure = Example.Procedure! with { Type = "Cementoplasty", BodySite = " Femur " },
            Patient = Example.Patient! with { Locale = "ES_mx" },
        });

        var registration = Assert.IsType<Registration>(result.Registration);
        Assert.Equal(("cementoplasty", "femur", "es-MX", "America/New_York"),
            (registration.ProcedureType, registration.BodySite, registration.Locale, registration.ScheduleTimeZone));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 19, 0, 0, TimeSpan.Zero), registration.PerformedAt);
        Assert.Equal("0123", registration.MrnLast4);
        Assert.Equal(SendWindow.Default, registration.Window);
    }

    [Theory]
    [InlineData("+1 (555) 123-0001")]
    [InlineData("+1.555.123.0001")]
    [InlineData(" +15551230001 ")]
    public void A_phone_written_with_punctuation_is_stored_in_E164(string phone)
    {
        var result = Validator().Validate(Example with { Patient = Example.Patient! with { Phone = phone } });

        Assert.Equal("+15551230001", Assert.IsType<Registration>(result.Registration).Phone);
    }

    [Theory]
    [InlineData("patient.phone", "5551230001")]
    [InlineData("patient.phone", "+1 555 123")]
    [InlineData("patient.phone", "+1 555 123 0001 ext. 7")]
    [InlineData("patient.email", "ana@")]
    [InlineData("patient.timeZone", "Mars/Olympus_Mons")]
    [InlineData("procedure.type", "appendectomy")]
    [InlineData("procedure.bodySite", "elbow")]
    [InlineData("procedure.performedAt", "2024-11-20T14:00:00-05:00")]
    [InlineData("procedure.performedAt", "2028-01-01T14:00:00-05:00")]
    [InlineData("procedure.performedAt", "2026-11-20T14:00:00")]
    [InlineData("procedure.performedAt", "next tuesday")]
    [InlineData("patient.mrn", "")]
    [InlineData("patient.preferredChannel", "pigeon")]
    public void A_bad_field_is_refused_with_its_path_named(string field, string value)
    {
        var patient = Example.Patient!;
        var procedure = Example.Procedure!;
        var request = field switch
        {
            "patient.phone" => Example with { Patient = patient with { Phone = value } },
            "patient.email" => Example with { Patient = patient with { Email = value } },
            "patient.timeZone" => Example with { Patient = patient with { TimeZone = value } },
            "patient.mrn" => Example with { Patient = patient with { Mrn = value } },
            "patient.preferredChannel" => Example with { Patient = patient with { PreferredChannel = value } },
            "procedure.type" => Example with { Procedure = procedure with { Type = value } },
            "procedure.bodySite" => Example with { Procedure = procedure with { BodySite = value } },
            _ => Example with { Procedure = procedure with { PerformedAt = value } },
        };

        var result = Validator().Validate(request);

        Assert.Null(result.Registration);
        Assert.Equal([field], result.Errors!.Keys);
        Assert.NotEmpty(result.Errors[field].Single());
    }

    [Fact]
    public void The_chosen_channel_needs_its_contact()
    {
        var emailWithoutAddress = Validator().Validate(Example with { Patient = Example.Patient! with { PreferredChannel = "email", Email = null } });
        var smsWithoutPhone = Validator().Validate(Example with { Patient = Example.Patient! with { Phone = " " } });
        var nothingAtAll = Validator().Validate(Example with { Patient = Example.Patient! with { PreferredChannel = null, Phone = null, Email = null } });

        Assert.Contains("email address is required", emailWithoutAddress.Errors!["patient.email"].Single());
        Assert.Contains("phone number is required", smsWithoutPhone.Errors!["patient.phone"].Single());
        Assert.Contains("phone number or an email", nothingAtAll.Errors!["patient.phone"].Single());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var result = Validator().Validate(new ProcedureRequest(null,
            new PatientInput(null, "Ana", null, "123", null, null, null, null),
            new ProcedureInput("cementoplasty", "femur", null, "Main", null),
            new BaselineInput(11, null)));

        Assert.Equal(
            ["baseline.vas", "externalId", "patient.familyName", "patient.mrn", "patient.phone", "patient.timeZone", "procedure.performedAt"],
            result.Errors!.Keys.Order());
    }

    [Fact]
    public void Without_a_patient_zone_the_facility_zone_and_window_apply()
    {
        var options = new SchedulingOptions
        {
            Facilities = { ["Main"] = new FacilityOptions { TimeZone = "Europe/Madrid", SendWindowStart = "10:00", SendWindowEnd = "18:30" } },
        };

        var result = Validator(options).Validate(Example with { Patient = Example.Patient! with { TimeZone = null } });

        Assert.Equal("Europe/Madrid", result.Registration!.ScheduleTimeZone);
        Assert.Null(result.Registration.PatientTimeZone);
        Assert.Equal(new SendWindow(10 * 60, 18 * 60 + 30), result.Registration.Window);
    }

    [Fact]
    public void The_same_instant_in_another_offset_is_the_same_registration_and_any_changed_field_is_not()
    {
        var original = Validator().Validate(Example).Registration!;
        var sameInUtc = Validator().Validate(Example with { Procedure = Example.Procedure! with { PerformedAt = "2026-11-20T19:00:00Z" } }).Registration!;
        var otherSurgeon = Validator().Validate(Example with { Procedure = Example.Procedure! with { Surgeon = "Dr. Kim" } }).Registration!;

        Assert.Equal(original.RequestHash(), sameInUtc.RequestHash());
        Assert.NotEqual(original.RequestHash(), otherSurgeon.RequestHash());
    }

    [Fact]
    public void A_configured_procedure_type_becomes_known()
    {
        var options = new SchedulingOptions { Protocols = { ["microwave-ablation"] = new() } };

        var result = Validator(options).Validate(Example with { Procedure = Example.Procedure! with { Type = "Microwave Ablation" } });

        Assert.Equal("microwave-ablation", result.Registration!.ProcedureType);
    }

    private static RegistrationValidator Validator(SchedulingOptions? options = null)
    {
        var wrapped = Options.Create(options ?? new SchedulingOptions());
        return new RegistrationValidator(new ProtocolCatalog(wrapped), new FacilitySettings(wrapped), new FixedClock(Now));
    }
}
