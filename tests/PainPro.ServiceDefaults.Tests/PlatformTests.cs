using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Dev;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class ClockTests
{
    [Fact]
    public void Simulated_clock_moves_forward_by_the_advance_and_survives_a_restart()
    {
        var state = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        var first = new SimulatedClock(stateFile: state);
        var before = first.GetUtcNow();
        first.Advance(TimeSpan.FromDays(3));

        var restarted = new SimulatedClock(stateFile: state);

        Assert.InRange(restarted.GetUtcNow() - before, TimeSpan.FromDays(3), TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => restarted.Advance(TimeSpan.FromHours(-1)));
        File.Delete(state);
    }

    [Theory]
    [InlineData("P3D", 3 * 24 * 60)]
    [InlineData("PT4H", 4 * 60)]
    [InlineData("P1DT12H", 36 * 60)]
    public void Dev_advance_accepts_iso_8601_durations(string text, int minutes)
    {
        Assert.True(DevEndpoints.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("3 days")]
    [InlineData("-P1D")]
    [InlineData("")]
    [InlineData(null)]
    public void Dev_advance_refuses_anything_but_a_positive_duration(string? text)
    {
        Assert.False(DevEndpoints.TryParseDuration(text, out _));
    }
}

public class CredentialTests
{
    [Fact]
    public void Configured_keys_match_by_hash_and_unknown_keys_do_not()
    {
        var options = new PainProOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")),
            Auth = { ApiKeys = [new ApiKeyEntry { Name = "ehr", Sha256 = PainProAuth.Sha256Hex("secret-key") }] },
        };

        var credentials = new Credentials(Options.Create(options));

        Assert.Equal("ehr", credentials.FindApiKey("secret-key"));
        Assert.Null(credentials.FindApiKey("secret-key2"));
        Assert.Null(credentials.DevApiKey);
        Assert.Null(credentials.TwilioAuthToken);
    }

    [Fact]
    public void Dev_mode_generates_credentials_once_and_keeps_them_across_restarts()
    {
        var options = new PainProOptions { DataDirectory = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), Dev = { Enabled = true } };

        var first = new Credentials(Options.Create(options));
        var again = new Credentials(Options.Create(options));

        Assert.NotNull(first.DevApiKey);
        Assert.Equal(first.DevApiKey, again.DevApiKey);
        Assert.Equal(first.TwilioAuthToken, again.TwilioAuthToken);
        Assert.Equal("dev", again.FindApiKey(first.DevApiKey!));
    }
}
