using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Messaging;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class BusTelemetryTests
{
    [Theory]
    [InlineData("inmemory")]
    [InlineData("rabbitmq")]
    public void The_bus_every_service_registers_reports_no_usage_telemetry_to_masstransit(string transport)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["PainPro:Bus:Transport"] = transport;
        // The variable MassTransit reads would override the setting; the test must see the setting itself.
        Assert.Null(Environment.GetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY"));

        builder.AddPainProBus();
        using var services = builder.Services.BuildServiceProvider();

        Assert.False(services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
