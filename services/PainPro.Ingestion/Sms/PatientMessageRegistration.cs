using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PainPro.Ingestion.Alerts;

namespace PainPro.Ingestion.Sms;

public static class PatientMessageRegistration
{
    /// <summary>
    /// Facility contacts (<see cref="FacilityContactOptions"/>, checked at start-up), the <c>patient-message</c> rule
    /// (<see cref="PatientMessages"/>) and the API that lists patients' messages for staff.
    /// </summary>
    public static IHostApplicationBuilder AddPatientMessages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FacilityContactOptions>().BindConfiguration(FacilityContactOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FacilityContactOptions>, FacilityContactValidation>();
        builder.Services.AddOptions<PatientMessageOptions>().BindConfiguration(PatientMessageOptions.Section);
        builder.Services.AddSingleton<FacilityContacts>();
        builder.Services.AddSingleton<PatientMessages>();
        return builder;
    }
}
