using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;
using Xunit;

namespace PainPro.Scheduling.Tests.Schedule;

/// <summary>Protocols and send windows come from configuration keys an operator can write.</summary>
public class SchedulingOptionsTests
{
    [Fact]
    public void Protocols_and_facility_windows_are_read_from_configuration_keys()
    {
        using var services = Services(new()
        {
            ["PainPro:Scheduling:Protocols:kyphoplasty:day3:RemindersAfterHours:0"] = "12",
            ["PainPro:Scheduling:Protocols:kyphoplasty:day3:RemindersAfterHours:1"] = "36",
            ["PainPro:Scheduling:Protocols:kyphoplasty:month1:Instruments:0"] = "vas",
            ["PainPro:Scheduling:Facilities:North:SendWindowStart"] = "08:30",
            ["PainPro:Scheduling:Facilities:North:SendWindowEnd"] = "20:00",
        });

        var protocol = services.GetRequiredService<ProtocolCatalog>().For(ProcedureTypes.Kyphoplasty);
        var facilities = services.GetRequiredService<FacilitySettings>();

        Assert.Equal([TimeSpan.FromHours(12), TimeSpan.FromHours(36)], protocol.Timepoints.Single(t => t.Timepoint == Timepoints.Day3).Reminders);
        Assert.Equal([InstrumentCodes.Vas], protocol.Timepoints.Single(t => t.Timepoint == Timepoints.Month1).Instruments);
        Assert.Equal(new SendWindow(8 * 60 + 30, 20 * 60), facilities.WindowFor("north"));
        Assert.Equal(SendWindow.Default, facilities.WindowFor("Main"));
    }

    [Fact]
    public void A_bad_send_window_stops_start_up_naming_its_key()
    {
        using var services = Services(new()
        {
            ["PainPro:Scheduling:Facilities:North:SendWindowStart"] = "19:00",
            ["PainPro:Scheduling:Facilities:North:SendWindowEnd"] = "09:00",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SchedulingOptions>>().Value);

        Assert.Contains("PainPro:Scheduling:Facilities:North", error.Message);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddScheduling();
        return builder.Services.BuildServiceProvider();
    }
}
