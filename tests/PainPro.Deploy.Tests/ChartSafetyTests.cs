using System.Text.Json.Nodes;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>What every workload of the chart must have, in every value set we ship.</summary>
public sealed class ChartSafetyTests
{
    [Theory]
    [MemberData(nameof(HelmChart.ValueSets), MemberType = typeof(HelmChart))]
    public async Task Every_deployment_has_liveness_and_readiness_probes(string valueSet)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        foreach (var (deployment, container) in Workloads(manifests))
        {
            Assert.True(container["livenessProbe"] is JsonObject, $"{deployment}/{container["name"]} has no liveness probe");
            Assert.True(container["readinessProbe"] is JsonObject, $"{deployment}/{container["name"]} has no readiness probe");
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSets), MemberType = typeof(HelmChart))]
    public async Task Every_container_requests_and_limits_cpu_and_memory(string valueSet)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        foreach (var (deployment, container) in Workloads(manifests))
            foreach (var bound in new[] { "requests", "limits" })
                foreach (var resource in new[] { "cpu", "memory" })
                    Assert.False(string.IsNullOrWhiteSpace(container["resources"]?[bound]?[resource]?.ToString()),
                        $"{deployment}/{container["name"]} has no resources.{bound}.{resource}");
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSets), MemberType = typeof(HelmChart))]
    public async Task Every_container_runs_as_non_root_on_a_read_only_root_without_privilege_escalation(string valueSet)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        foreach (var (deployment, container) in Workloads(manifests))
        {
            var pod = Manifests.PodSpec(manifests.Single("Deployment", deployment))["securityContext"];
            var own = container["securityContext"];
            var where = $"{deployment}/{container["name"]}";
            // The container's own setting wins over the pod's, as in Kubernetes.
            var runAsNonRoot = (bool?)own?["runAsNonRoot"] ?? (bool?)pod?["runAsNonRoot"];
            Assert.True(runAsNonRoot == true, $"{where} may run as root (runAsNonRoot is not true)");
            Assert.True((bool?)own?["readOnlyRootFilesystem"] == true, $"{where} has a writable root file system");
            Assert.True((bool?)own?["allowPrivilegeEscalation"] == false, $"{where} allows privilege escalation");
            Assert.True(((JsonArray?)own?["capabilities"]?["drop"])?.Any(c => (string?)c == "ALL") == true,
                $"{where} does not drop all capabilities");
            Assert.NotEqual(0L, (long?)own?["runAsUser"] ?? (long?)pod?["runAsUser"] ?? -1);
        }
    }

    [Fact]
    public async Task Every_service_scales_with_an_autoscaler_and_keeps_a_disruption_budget_by_default()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Default);

        foreach (var component in HelmChart.Services)
        {
            var deployment = manifests.Deployment(component);
            var name = Manifests.Name(deployment);
            var autoscaler = manifests.Single("HorizontalPodAutoscaler", name);
            Assert.Equal(name, (string?)autoscaler["spec"]!["scaleTargetRef"]!["name"]);
            Assert.True((long)autoscaler["spec"]!["minReplicas"]! >= 2, $"{name} autoscales from fewer than two replicas");
            // A fixed replica count would fight the autoscaler on every upgrade.
            Assert.Null(deployment["spec"]!["replicas"]);

            var budget = manifests.Single("PodDisruptionBudget", name);
            Assert.True(JsonNode.DeepEquals(deployment["spec"]!["selector"]!["matchLabels"], budget["spec"]!["selector"]!["matchLabels"]),
                $"the disruption budget of {name} does not select its pods");
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSets), MemberType = typeof(HelmChart))]
    public async Task Every_service_runs_with_the_generation_0_budget_the_benchmark_measured(string valueSet)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        foreach (var component in HelmChart.Services)
        {
            var container = Manifests.Containers(manifests.Deployment(component)).Single();
            var budget = Manifests.Env(container).SingleOrDefault(e => (string?)e["name"] == "DOTNET_GCgen0size");
            Assert.True(budget is not null, $"{component} has no DOTNET_GCgen0size: the runtime would size generation 0 from the L3 cache");
            Assert.Equal(ServiceProcess.GcGen0Size, (string?)budget["value"]);
        }
    }

    [Theory]
    [InlineData(HelmChart.Default, "false")]
    [InlineData(HelmChart.Production, "true")]
    public async Task Quorum_queue_setting_reaches_every_service(string valueSet, string expected)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        Assert.Equal(expected, manifests.SharedConfiguration["PainPro__Bus__QuorumQueues"]);
        foreach (var component in HelmChart.Services)
        {
            var container = Manifests.Containers(manifests.Deployment(component)).Single();
            Assert.Contains(((JsonArray?)container["envFrom"] ?? []).OfType<JsonObject>(),
                e => (string?)e["configMapRef"]?["name"] == $"{HelmChart.ReleaseName}-config");
        }
    }

    [Fact]
    public async Task Messaging_pods_together_never_exceed_the_senders_twilio_rate()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);
        var values = YamlDocuments.Parse(File.ReadAllText(Path.Combine(TestInfrastructure.RepositoryRoot, HelmChart.ValuesFiles(HelmChart.Production)[0]))).Single();
        var senderRate = (double)values["messaging"]!["twilio"]!["senderRatePerSecond"]!.GetValue<long>();

        var container = Manifests.Containers(manifests.Deployment("messaging")).Single();
        var perPod = double.Parse((string)Manifests.Env(container).Single(e => (string?)e["name"] == "PainPro__Messaging__Twilio__RatePerSecond")["value"]!,
            System.Globalization.CultureInfo.InvariantCulture);
        var mostPods = (long)manifests.Single("HorizontalPodAutoscaler", $"{HelmChart.ReleaseName}-messaging")["spec"]!["maxReplicas"]!;

        Assert.True(perPod > 0, "Messaging would never send");
        Assert.True(perPod * mostPods <= senderRate + 1e-9, $"{mostPods} pods at {perPod}/s exceed the sender's {senderRate}/s");
    }

    [Fact]
    public async Task Development_mode_deploys_single_instances_of_postgres_rabbitmq_and_maildev_and_production_none()
    {
        var development = await HelmChart.RenderAsync(HelmChart.Development);
        var production = await HelmChart.RenderAsync(HelmChart.Production);

        foreach (var infrastructure in new[] { "postgres", "rabbitmq", "maildev" })
        {
            var deployment = development.Deployment(infrastructure);
            Assert.Equal(1L, (long?)deployment["spec"]!["replicas"]);
            Assert.DoesNotContain(production.OfKind("Deployment"), d => Manifests.Name(d) == Manifests.Name(deployment));
        }
    }

    private static IEnumerable<(string Deployment, JsonObject Container)> Workloads(Manifests manifests)
    {
        var deployments = manifests.OfKind("Deployment").ToList();
        Assert.NotEmpty(deployments);
        foreach (var deployment in deployments)
            foreach (var container in Manifests.Containers(deployment))
                yield return (Manifests.Name(deployment), container);
    }
}
