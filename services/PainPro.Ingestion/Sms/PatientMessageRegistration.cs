using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Ingestion.Alerts;
using PainPro.ServiceDefaults.Facilities;

namespace PainPro.Ingestion.Sms;

public static class PatientMessageRegistration
{
    /// <summary>
    /// Facility contacts (the shared <see cref="FacilityDirectory"/>, with <see cref="FacilityContactOptions"/> as its
    /// fallback; both checked at start-up), the <c>patient-message</c> rule
    /// (<see cref="PatientMessages"/>) and the API that lists patients' messages for staff.
    /// </summary>
    public static IHostApplicationBuilder AddPatientMessages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FacilityContactOptions>().BindConfiguration(FacilityContactOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FacilityContactOptions>, FacilityContactValidation>();
        builder.Services.AddOptions<PatientMessageOptions>().BindConfiguration(PatientMessageOptions.Section);
        builder.Services.AddSingleton(sp => new FacilityContacts(sp.GetRequiredService<FacilityDirectory>(), sp.GetRequiredService<ILogger<FacilityContacts>>()));
        builder.Services.AddHostedService<FacilityContactsCheck>();
        builder.Services.AddSingleton<PatientMessages>();
        return builder;
    }
}

/// <summary>Builds the contacts when the host starts: an emergency number no country gives stops start-up, naming its key.</summary>
internal sealed class FacilityContactsCheck(FacilityContacts contacts) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(contacts.AnyWithoutPhone);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
