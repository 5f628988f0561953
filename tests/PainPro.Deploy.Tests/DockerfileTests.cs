using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>Each service's Dockerfile builds that service, runs it as non-root, and listens where the chart looks.</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Services => new(HelmChart.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public void Image_publishes_its_own_project_and_runs_its_assembly(string component)
    {
        var project = ServiceContractTests.ProjectName(component);
        var dockerfile = Dockerfile(component);

        Assert.Contains($"dotnet publish services/{project}/{project}.csproj", dockerfile);
        Assert.Matches($@"ENTRYPOINT \[""dotnet"", ""{Regex.Escape(AssemblyName(project))}\.dll""\]", dockerfile);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Image_copies_every_project_its_service_builds_from(string component)
    {
        var project = ServiceContractTests.ProjectName(component);
        var copied = CopySources().Matches(Dockerfile(component)).Select(m => m.Groups[1].Value.TrimEnd('/')).ToList();

        foreach (var reference in ProjectClosure($"services/{project}/{project}.csproj"))
        {
            // The project file alone (for the cached restore layer) and its folder (for the build).
            Assert.True(copied.Contains(reference), $"the {component} Dockerfile does not copy {reference} before restore");
            var folder = Path.GetDirectoryName(reference)!.Replace('\\', '/');
            Assert.True(copied.Any(source => folder == source || folder.StartsWith(source + "/", StringComparison.Ordinal)),
                $"the {component} Dockerfile does not copy the sources of {folder}");
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Image_runs_as_a_non_root_user_on_the_port_the_chart_targets(string component)
    {
        var dockerfile = Dockerfile(component);
        var manifests = await HelmChart.RenderAsync(HelmChart.Default);
        var container = Manifests.Containers(manifests.Deployment(component)).Single();
        var containerPort = ((JsonArray)container["ports"]!).OfType<JsonObject>().Single(p => (string?)p["name"] == "http")["containerPort"]!.ToString();

        var user = UserInstruction().Matches(dockerfile).Select(m => m.Groups[1].Value).LastOrDefault();
        Assert.NotNull(user);
        Assert.DoesNotMatch("^(root|0)(:.*)?$", user);
        Assert.Matches($@"ASPNETCORE_HTTP_PORTS={containerPort}\b", dockerfile);
        Assert.Matches($@"(?m)^EXPOSE {containerPort}\b", dockerfile);
        // The read-only root file system leaves /tmp (an emptyDir) as the only writable place.
        Assert.Contains("PainPro__DataDirectory=/tmp/", dockerfile);
        Assert.StartsWith("/tmp/", manifests.SharedConfiguration["PainPro__DataDirectory"]);
    }

    private static string Dockerfile(string component) =>
        File.ReadAllText(Path.Combine(TestInfrastructure.RepositoryRoot, "services", ServiceContractTests.ProjectName(component), "Dockerfile"));

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

    [GeneratedRegex(@"(?m)^COPY\s+(?!--from)(\S+)\s+\S+\s*$")]
    private static partial Regex CopySources();

    [GeneratedRegex(@"(?m)^USER\s+(\S+)\s*$")]
    private static partial Regex UserInstruction();
}
