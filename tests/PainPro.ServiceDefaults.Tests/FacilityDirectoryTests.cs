using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Facilities;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class FacilityDirectoryTests
{
    private static FacilityDirectory Directory(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());

    [Fact]
    public void A_facility_is_found_whatever_the_case_and_spaces_and_unset_values_come_from_Default()
    {
        var directory = Directory(
            ("PainPro:Facilities:Default:DisplayName", "PainPro Health"),
            ("PainPro:Facilities:Default:CareTeamPhone", "555-010-0100"),
            ("PainPro:Facilities:RIV-01:DisplayName", "Riverside Hospital"));

        Assert.Equal(new FacilityIdentity("Riverside Hospital", "555-010-0100"), directory.IdentityOf(" riv-01 "));
        Assert.Equal(new FacilityIdentity("PainPro Health", "555-010-0100"), directory.IdentityOf("Elsewhere"));
        Assert.Equal(new FacilityIdentity("PainPro Health", "555-010-0100"), directory.IdentityOf(null));
        Assert.DoesNotContain("Default", directory.Facilities.Keys);
    }

    [Fact]
    public void Nothing_configured_names_no_facility_and_no_phone()
    {
        Assert.Equal(FacilityIdentity.Unknown, Directory().IdentityOf("Main"));
    }

    [Fact]
    public void The_older_per_service_keys_still_work_and_the_directory_wins_where_both_are_set()
    {
        var directory = Directory(
            ("PainPro:Ingestion:FacilityContacts:CareTeamPhone", "555-010-0999"),
            ("PainPro:Ingestion:FacilityContacts:Facilities:North:CareTeamPhone", "555-010-0300"),
            ("PainPro:Ingestion:FacilityContacts:Facilities:North:Country", "GB"),
            ("PainPro:Scheduling:Facilities:North:TimeZone", "Europe/London"),
            ("PainPro:Scheduling:Facilities:North:SendWindowStart", "08:00"),
            ("PainPro:Facilities:North:SendWindowStart", "10:00"),
            ("PainPro:Facilities:North:DisplayName", "North Clinic"));

        var north = directory.Find("north")!;
        Assert.Equal(("North Clinic", "555-010-0300", "GB", "Europe/London", "10:00"),
            (north.DisplayName, north.CareTeamPhone, north.Country, north.TimeZone, north.SendWindowStart));
        Assert.Equal("555-010-0999", directory.Default.CareTeamPhone);
        Assert.Equal(new FacilityIdentity(null, "555-010-0999"), directory.IdentityOf("South"));
    }

    [Theory]
    [InlineData("PainPro:Facilities:Main:DisplayName", "Riverside Regional Orthopaedic Oncology Centre", "PainPro:Facilities:Main:DisplayName")]
    [InlineData("PainPro:Facilities:Main:CareTeamPhone", "call the front desk please", "PainPro:Facilities:Main:CareTeamPhone")]
    [InlineData("PainPro:Facilities:Default:CareTeamPhone", "12", "PainPro:Facilities:Default:CareTeamPhone")]
    public void A_name_or_phone_that_would_not_fit_in_a_text_stops_start_up_naming_the_key(string key, string value, string named)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Directory((key, value)));

        Assert.Contains(named, refused.Message);
    }
}
