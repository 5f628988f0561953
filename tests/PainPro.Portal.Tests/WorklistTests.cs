using PainPro.Portal.Clients;
using PainPro.Portal.Worklist;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class WorklistTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static AlertView Alert(string severity, TimeSpan age, string status = "open", string facility = "Main", string procedure = "cementoplasty") => new()
    {
        AlertId = Guid.NewGuid(),
        PatientId = Guid.NewGuid(),
        EnrollmentId = Guid.NewGuid(),
        Severity = severity,
        Status = status,
        RaisedAt = Now - age,
        Facility = facility,
        ProcedureType = procedure,
        Summary = $"{severity} {age}",
    };

    private static WorklistView Build(IEnumerable<AlertView> alerts, WorklistFilter? filter = null) =>
        NurseWorklist.Build(alerts, new Dictionary<Guid, PatientRecord>(), filter ?? new WorklistFilter(), new AcknowledgeTargets(), Now);

    [Fact]
    public void High_alerts_come_first_then_the_longest_waiting()
    {
        var newHigh = Alert("high", TimeSpan.FromMinutes(5));
        var oldHigh = Alert("high", TimeSpan.FromHours(3));
        var oldLow = Alert("low", TimeSpan.FromDays(2));
        var medium = Alert("medium", TimeSpan.FromHours(1));

        var rows = Build([oldLow, newHigh, medium, oldHigh]).Rows;

        Assert.Equal([oldHigh.AlertId, newHigh.AlertId, medium.AlertId, oldLow.AlertId], rows.Select(r => r.Alert.AlertId));
    }

    [Fact]
    public void Resolved_alerts_are_left_out_and_acknowledged_ones_only_when_asked()
    {
        var open = Alert("medium", TimeSpan.FromHours(1));
        var acknowledged = Alert("high", TimeSpan.FromHours(2), status: "acknowledged");
        var resolved = Alert("high", TimeSpan.FromHours(3), status: "resolved");

        Assert.Equal([acknowledged.AlertId, open.AlertId], Build([open, acknowledged, resolved]).Rows.Select(r => r.Alert.AlertId));
        Assert.Equal([open.AlertId], Build([open, acknowledged, resolved], new WorklistFilter(IncludeAcknowledged: false)).Rows.Select(r => r.Alert.AlertId));
    }

    [Fact]
    public void Filters_narrow_by_severity_facility_and_procedure_but_every_choice_stays_on_offer()
    {
        var main = Alert("high", TimeSpan.FromHours(1), facility: "Main", procedure: "kyphoplasty");
        var north = Alert("high", TimeSpan.FromHours(1), facility: "North", procedure: "cementoplasty");
        var lowNorth = Alert("low", TimeSpan.FromHours(1), facility: "North", procedure: "cementoplasty");

        var view = Build([main, north, lowNorth], new WorklistFilter(Severity: "high", Facility: "north"));

        Assert.Equal([north.AlertId], view.Rows.Select(r => r.Alert.AlertId));
        Assert.Equal(["Main", "North"], view.Facilities);
        Assert.Equal(["cementoplasty", "kyphoplasty"], view.ProcedureTypes);
        Assert.Equal([main.AlertId], Build([main, north, lowNorth], new WorklistFilter(ProcedureType: "kyphoplasty")).Rows.Select(r => r.Alert.AlertId));
    }

    [Theory]
    [InlineData("high", 59, false)]
    [InlineData("high", 61, true)]
    [InlineData("medium", 239, false)]
    [InlineData("medium", 241, true)]
    [InlineData("low", 60 * 24 + 1, true)]
    public void An_open_alert_is_past_its_target_once_older_than_the_target_for_its_severity(string severity, int minutes, bool past) =>
        Assert.Equal(past, Build([Alert(severity, TimeSpan.FromMinutes(minutes))]).Rows.Single().PastTarget);

    [Fact]
    public void An_acknowledged_alert_is_never_past_its_acknowledgement_target() =>
        Assert.False(Build([Alert("high", TimeSpan.FromDays(3), status: "acknowledged")]).Rows.Single().PastTarget);

    [Fact]
    public void Configured_targets_replace_the_defaults_for_their_severity_only()
    {
        var targets = new AcknowledgeTargets(new Dictionary<string, TimeSpan> { ["high"] = TimeSpan.FromMinutes(15) });

        Assert.Equal(TimeSpan.FromMinutes(15), targets.For("high"));
        Assert.Equal(TimeSpan.FromHours(4), targets.For("medium"));
        Assert.Equal(TimeSpan.FromMinutes(15), targets.For("unheard-of"));
    }

    [Fact]
    public void The_row_carries_the_patient_when_Scheduling_knew_them()
    {
        var alert = Alert("high", TimeSpan.FromHours(1));
        var patient = new PatientRecord { PatientId = alert.PatientId, GivenName = "Ana", FamilyName = "Ruiz", Mrn = "000123" };

        var row = NurseWorklist.Build([alert], new Dictionary<Guid, PatientRecord> { [alert.PatientId] = patient }, new WorklistFilter(), new AcknowledgeTargets(), Now).Rows.Single();

        Assert.Equal("Ana Ruiz", row.Patient!.FullName);
    }

    [Theory]
    [InlineData(0.5, "just now")]
    [InlineData(45, "45 min ago")]
    [InlineData(60 * 3 + 20, "3 h 20 min ago")]
    [InlineData(60 * 24 * 2 + 60 * 4, "2 d 4 h ago")]
    public void Ages_read_short(double minutes, string expected) =>
        Assert.Equal(expected, NurseWorklist.FormatAgo(TimeSpan.FromMinutes(minutes)));
}
