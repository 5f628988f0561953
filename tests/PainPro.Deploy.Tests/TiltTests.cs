using System.Text.Json;
using System.Text.RegularExpressions;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>tilt.json drives the Tiltfile; what it names must exist in the chart and the repository.</summary>
public sealed partial class TiltTests
{
    private static readonly string Root = TestInfrastructure.RepositoryRoot;

    [Fact]
    public async Task Tilt_json_names_only_services_the_chart_deploys()
    {
        var tilt = TiltJson();
        var manifests = await HelmChart.RenderAsync(HelmChart.Development);

        var services = tilt.GetProperty("services").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.NotEmpty(services);
        foreach (var service in services)
        {
            Assert.Contains(service, HelmChart.Services);
            manifests.Deployment(service);
            var project = ServiceContractTests.ProjectName(service);
            Assert.True(File.Exists(Path.Combine(Root, "services", project, project + ".csproj")),
                $"tilt.json names {service}, which has no project to build an image from");
        }
    }

    [Fact]
    public async Task Tilt_port_forwards_name_deployed_workloads_on_distinct_local_ports()
    {
        var tilt = TiltJson();
        var manifests = await HelmChart.RenderAsync(HelmChart.Development);

        var forwards = tilt.GetProperty("portForwards").EnumerateObject().ToList();
        Assert.NotEmpty(forwards);
        foreach (var forward in forwards)
            manifests.Deployment(forward.Name);
        var localPorts = forwards.Select(f => f.Value.GetInt32()).ToList();
        Assert.Equal(localPorts.Count, localPorts.Distinct().Count());
        Assert.All(localPorts, p => Assert.InRange(p, 1024, 65535));
        Assert.False(string.IsNullOrWhiteSpace(tilt.GetProperty("namespace").GetString()));
    }

    [Fact]
    public void Tiltfile_reads_tilt_json_and_deploys_the_chart_with_the_development_values()
    {
        var tiltfile = File.ReadAllText(Path.Combine(Root, "Tiltfile"));

        Assert.Matches(ReadsTiltJson(), tiltfile);
        Assert.Contains("deploy/helm/painpro", tiltfile);
        foreach (var valuesFile in HelmChart.ValuesFiles(HelmChart.Development))
            Assert.Contains(valuesFile, tiltfile);
        Assert.Contains("docker_build(", tiltfile);
    }

    [Fact]
    public void Tiltfile_builds_every_image_from_the_one_dockerfile_with_its_service_argument()
    {
        var tiltfile = File.ReadAllText(Path.Combine(Root, "Tiltfile"));

        var dockerfiles = DockerfileArgument().Matches(tiltfile).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal([DockerImage.DockerfilePath], dockerfiles);
        Assert.True(File.Exists(Path.Combine(Root, DockerImage.DockerfilePath)), $"{DockerImage.DockerfilePath} is missing");
        Assert.Matches(ServiceBuildArgument(), tiltfile);
    }

    private static JsonElement TiltJson()
    {
        // JsonDocument rejects comments and trailing commas, as Tilt's read_json does.
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "tilt.json")));
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"read_json\(\s*['""]tilt\.json['""]")]
    private static partial Regex ReadsTiltJson();

    [GeneratedRegex(@"\bdockerfile\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex DockerfileArgument();

    [GeneratedRegex(@"\bbuild_args\s*=\s*\{\s*['""]SERVICE['""]\s*:")]
    private static partial Regex ServiceBuildArgument();
}
