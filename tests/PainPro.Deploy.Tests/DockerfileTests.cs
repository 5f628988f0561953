using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>
/// The one Dockerfile, built with each service's SERVICE argument, builds that service, runs it as non-root and
/// listens where the chart looks; without SERVICE it stops.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Services => new(HelmChart.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public void Image_publishes_its_own_project_and_runs_its_assembly(string component)
    {
        var project = ServiceContractTests.ProjectName(component);
        var image = DockerImage.Build(DockerImage.BuildArgumentsFor(component));

        Assert.Contains(image.Stages.SelectMany(s => s.Arguments("RUN")),
            run => run.StartsWith($"dotnet publish services/{project}/{project}.csproj ", StringComparison.Ordinal));
        Assert.Matches($@"\bdotnet ""?{Regex.Escape(AssemblyName(project))}\.dll""?(\s|$)", image.Final.Command());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Image_copies_every_project_its_service_builds_from(string component)
    {
        var project = ServiceContractTests.ProjectName(component);
        var copied = DockerImage.Build(DockerImage.BuildArgumentsFor(component)).Stages
            .SelectMany(s => s.Arguments("COPY"))
            .Where(arguments => !arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(arguments => arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Select(source => source.TrimEnd('/'))
            .ToList();

        foreach (var reference in ProjectClosure($"services/{project}/{project}.csproj"))
        {
            // The project file alone (for the cached restore layer) and its folder (for the build).
            Assert.True(copied.Contains(reference), $"the {component} image does not copy {reference} before restore");
            var folder = Path.GetDirectoryName(reference)!.Replace('\\', '/');
            Assert.True(copied.Any(source => folder == source || folder.StartsWith(source + "/", StringComparison.Ordinal)),
                $"the {component} image does not copy the sources of {folder}");
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Image_runs_as_a_non_root_user_on_the_port_the_chart_targets(string component)
    {
        var image = DockerImage.Build(DockerImage.BuildArgumentsFor(component)).Final;
        var manifests = await HelmChart.RenderAsync(HelmChart.Default);
        var container = Manifests.Containers(manifests.Deployment(component)).Single();
        var containerPort = ((JsonArray)container["ports"]!).OfType<JsonObject>().Single(p => (string?)p["name"] == "http")["containerPort"]!.ToString();

        var user = image.Arguments("USER").LastOrDefault();
        Assert.NotNull(user);
        Assert.DoesNotMatch("^(root|0)(:.*)?$", user);
        Assert.Equal(containerPort, image.Environment.GetValueOrDefault("ASPNETCORE_HTTP_PORTS"));
        Assert.Contains(image.Arguments("EXPOSE"), exposed => Regex.IsMatch(exposed, $@"^{containerPort}\b"));
        // The read-only root file system leaves /tmp (an emptyDir) as the only writable place.
        Assert.StartsWith("/tmp/", image.Environment.GetValueOrDefault("PainPro__DataDirectory"));
        Assert.StartsWith("/tmp/", manifests.SharedConfiguration["PainPro__DataDirectory"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Build_without_a_service_stops_with_a_message_naming_the_argument_and_its_values(string? service)
    {
        var arguments = service is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["SERVICE"] = service };

        var error = Assert.Throws<DockerBuildException>(() => DockerImage.Build(arguments));

        Assert.StartsWith("SERVICE: ", error.Message);
        foreach (var component in HelmChart.Services)
            Assert.Contains(DockerImage.BuildArgumentsFor(component)["SERVICE"], error.Message);
    }

    private static string AssemblyName(string project)
    {
        var csproj = XDocument.Load(Path.Combine(TestInfrastructure.RepositoryRoot, "services", project, project + ".csproj"));
        return csproj.Descendants("AssemblyName").Select(e => e.Value).LastOrDefault() ?? project;
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static IReadOnlyCollection<string> ProjectClosure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current)) continue;
            var full = Path.Combine(TestInfrastructure.RepositoryRoot, current);
            foreach (var include in XDocument.Load(full).Descendants("ProjectReference").Select(r => (string?)r.Attribute("Include")).OfType<string>())
            {
                var referenced = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, include.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(TestInfrastructure.RepositoryRoot, referenced).Replace('\\', '/'));
            }
        }
        return seen;
    }
}
