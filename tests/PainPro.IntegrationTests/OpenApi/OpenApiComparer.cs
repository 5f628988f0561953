using System.Text.Json;
using System.Text.Json.Nodes;

namespace PainPro.IntegrationTests.OpenApi;

/// <summary>
/// Compares two OpenAPI documents as JSON: object keys in any order, everything else exactly. A difference is named by
/// its place in the document (<c>paths./api/alerts.get.responses.200</c>), so a reviewer sees which endpoint moved.
/// </summary>
internal static class OpenApiComparer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Object keys sorted (ordinal), so the committed file diffs line by line and key order never counts.</summary>
    public static JsonNode Normalise(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Normalise(p.Value)))),
        JsonArray a => new JsonArray(a.Select(i => i is null ? null : Normalise(i)).ToArray()),
        _ => JsonNode.Parse(node.ToJsonString())!,
    };

    public static string Write(JsonNode document) => document.ToJsonString(Indented);

    /// <summary>Every difference, as "place: what", at most <paramref name="limit"/>; empty when the documents agree.</summary>
    public static IReadOnlyList<string> Differences(JsonNode committed, JsonNode served, int limit = 40)
    {
        var found = new List<string>();
        Compare(committed, served, "", found, limit);
        return found;
    }

    private static void Compare(JsonNode? committed, JsonNode? served, string path, List<string> found, int limit)
    {
        if (found.Count >= limit) return;
        switch (committed, served)
        {
            case (JsonObject a, JsonObject b):
                foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    var place = path.Length == 0 ? key : $"{path}.{key}";
                    if (!b.ContainsKey(key)) found.Add($"{place}: committed, no longer served (was {Short(a[key])})");
                    else if (!a.ContainsKey(key)) found.Add($"{place}: served, not in the committed document (now {Short(b[key])})");
                    else Compare(a[key], b[key], place, found, limit);
                    if (found.Count >= limit) return;
                }
                break;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Max(a.Count, b.Count) && found.Count < limit; i++)
                {
                    var place = $"{path}[{i}]";
                    if (i >= b.Count) found.Add($"{place}: committed, no longer served (was {Short(a[i])})");
                    else if (i >= a.Count) found.Add($"{place}: served, not in the committed document (now {Short(b[i])})");
                    else Compare(a[i], b[i], place, found, limit);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(committed, served))
                    found.Add($"{path}: committed {Short(committed)}, served {Short(served)}");
                break;
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 120 ? text : text[..117] + "...";
    }

    /// <summary>The report a failing drift test prints.</summary>
    public static string Report(string service, IReadOnlyList<string> differences) =>
        $"The {service} service's OpenAPI document differs from docs/openapi/{service}.json ({differences.Count} difference(s){(differences.Count >= 40 ? ", first 40" : "")}):\n  " +
        string.Join("\n  ", differences) +
        $"\nIf the change is intended, regenerate with {OpenApiDocuments.UpdateVariable}=1 dotnet test tests/PainPro.IntegrationTests --filter OpenApi and review the diff.";
}
