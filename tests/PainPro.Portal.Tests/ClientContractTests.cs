using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// The Portal's client models are hand copies of the services' responses: these tests hold them to the committed
/// OpenAPI documents (<c>docs/openapi/</c>, themselves held to the running services by <c>OpenApiDriftTests</c>), so a
/// service that renames, retypes or makes nullable a field the Portal reads, or drops an endpoint it calls, fails here.
/// </summary>
public sealed partial class ClientContractTests
{
    private static readonly Dictionary<Type, string> ServiceOf = new()
    {
        [typeof(SchedulingClient)] = "scheduling",
        [typeof(IngestionClient)] = "ingestion",
        [typeof(MessagingClient)] = "messaging",
    };

    [Fact]
    public void Every_call_the_portal_clients_make_exists_in_the_service_document_with_the_fields_the_portal_reads()
    {
        var calls = ServiceOf.SelectMany(c => PortalCalls.Read(c.Key, c.Value)).ToList();
        // The parse must find the calls (a client rewritten beyond the pattern would otherwise pass vacuously).
        Assert.True(calls.Count >= 30, $"found only {calls.Count} calls in the Portal's clients");
        Assert.Contains(calls, c => c is { Method: "post", Path: "/api/patients/lookup", Response: not null });

        var problems = new List<string>();
        foreach (var call in calls)
        {
            var document = Documents.Of(call.Service);
            var operation = OpenApiSchemas.Operation(document, call.Method, call.Path);
            if (operation is null)
            {
                problems.Add($"{call.Client}: {call.Method.ToUpperInvariant()} {call.Path} is not in docs/openapi/{call.Service}.json");
                continue;
            }
            var declared = ((JsonArray?)operation["parameters"] ?? []).Select(p => (string)p!["name"]!).ToHashSet(StringComparer.Ordinal);
            foreach (var name in call.QueryParameters.Where(n => !declared.Contains(n)))
                problems.Add($"{call.Client}: {call.Method.ToUpperInvariant()} {call.Path} has no query parameter '{name}'");
            if (call.Response is null) continue;
            var schema = operation["responses"]?["200"]?["content"]?["application/json"]?["schema"];
            if (schema is null)
            {
                problems.Add($"{call.Client}: {call.Method.ToUpperInvariant()} {call.Path} documents no JSON body for 200, the Portal reads {call.Response.Name}");
                continue;
            }
            problems.AddRange(OpenApiSchemas.Check(document, call.Response, schema, $"{call.Method.ToUpperInvariant()} {call.Path} → {Display(call.Response)}"));
        }
        Assert.True(problems.Count == 0, "The Portal's clients drifted from the services' OpenAPI documents:\n  " + string.Join("\n  ", problems.Distinct()));
    }

    [Fact]
    public void A_model_with_a_renamed_a_retyped_and_a_nullable_field_is_reported()
    {
        var document = Documents.Of("messaging");
        var schema = OpenApiSchemas.Operation(document, "get", "/api/senders")!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        var problems = OpenApiSchemas.Check(document, typeof(IReadOnlyList<DriftedSender>), schema, "GET /api/senders");

        Assert.Contains(problems, p => p.Contains("[].channelName", StringComparison.Ordinal) && p.Contains("not in the service's schema", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("[].deferredSends", StringComparison.Ordinal) && p.Contains("Guid", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("[].since", StringComparison.Ordinal) && p.Contains("may be null", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
        Assert.Empty(OpenApiSchemas.Check(document, typeof(IReadOnlyList<SenderNotice>), schema, "GET /api/senders"));
    }

    private sealed record DriftedSender
    {
        public string ChannelName { get; init; } = "";
        public Guid DeferredSends { get; init; }
        public DateTimeOffset Since { get; init; }
        public string State { get; init; } = "";
    }

    private static string Display(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Display))}>"
        : type.Name;

    private static class Documents
    {
        private static readonly Dictionary<string, JsonNode> Cache = [];

        public static JsonNode Of(string service)
        {
            lock (Cache)
            {
                if (!Cache.TryGetValue(service, out var document))
                    Cache[service] = document = JsonNode.Parse(File.ReadAllText(
                        Path.Combine(TestInfrastructure.RepositoryRoot, "docs", "openapi", $"{service}.json")))!;
                return document;
            }
        }
    }

    /// <param name="Response">The type the Portal deserialises the 200 answer into; null when it reads none.</param>
    private sealed record PortalCall(string Client, string Service, string Method, string Path, Type? Response, IReadOnlyList<string> QueryParameters);

    /// <summary>
    /// The calls in a client's source, read from its calls to <see cref="ServiceApiClient"/>'s helpers:
    /// <c>GetAsync&lt;T&gt;(Query("api/…", ("name", …)))</c>, <c>FindAsync&lt;T&gt;($"api/…/{id}")</c>, <c>PostAsync[&lt;T&gt;](…)</c>,
    /// <c>GetBytesAsync(…)</c>.
    /// </summary>
    private static partial class PortalCalls
    {
        public static IEnumerable<PortalCall> Read(Type client, string service)
        {
            var source = File.ReadAllText(Path.Combine(TestInfrastructure.RepositoryRoot, "services", "PainPro.Portal", "Clients", client.Name + ".cs"));
            foreach (Match call in Call().Matches(source))
            {
                var helper = call.Groups["helper"].Value;
                var method = helper.StartsWith("Post", StringComparison.Ordinal) ? "post" : "get";
                var path = "/" + Placeholder().Replace(call.Groups["path"].Value, "{}");
                var response = call.Groups["type"].Success ? Resolve(call.Groups["type"].Value) : null;
                // The query's literal parameter names, up to the end of this call's statement.
                var statement = source[call.Index..source.IndexOf(';', call.Index)];
                var parameters = call.Groups["query"].Success
                    ? QueryParameter().Matches(statement).Select(m => m.Groups[1].Value).ToList()
                    : [];
                yield return new PortalCall(client.Name, service, method, path, response, parameters);
            }
        }

        [GeneratedRegex("""(?<helper>GetAsync|FindAsync|PostAsync|GetBytesAsync)(?:<(?<type>[\w.<>]+)>)?\(\s*(?<query>Query\()?\$?"(?<path>api/[^"?]*)""")]
        private static partial Regex Call();

        [GeneratedRegex(@"\{[^}]*\}")]
        private static partial Regex Placeholder();

        [GeneratedRegex("""\(\s*"(\w+)"\s*,""")]
        private static partial Regex QueryParameter();

        private static Type Resolve(string name)
        {
            if (name.StartsWith("IReadOnlyList<", StringComparison.Ordinal))
                return typeof(IReadOnlyList<>).MakeGenericType(Resolve(name["IReadOnlyList<".Length..^1]));
            var simple = name[(name.LastIndexOf('.') + 1)..];
            return typeof(ServiceApiClient).Assembly.GetTypes().Single(t => t.Name == simple && (t.FullName ?? "").EndsWith(name, StringComparison.Ordinal));
        }
    }

    /// <summary>Whether a CLR type the Portal deserialises into fits a JSON schema of the document.</summary>
    internal static class OpenApiSchemas
    {
        public static JsonNode? Operation(JsonNode document, string method, string path)
        {
            foreach (var (template, item) in document["paths"]!.AsObject())
                if (Normalise(template) == Normalise(path) && item?[method] is { } operation) return operation;
            return null;
        }

        private static string Normalise(string path) => Regex.Replace(path, @"\{[^}]*\}", "{}").TrimEnd('/');

        public static IReadOnlyList<string> Check(JsonNode document, Type type, JsonNode schema, string place)
        {
            var problems = new List<string>();
            Check(document, type, schema, place, problems, []);
            return problems;
        }

        private static void Check(JsonNode document, Type type, JsonNode schema, string place, List<string> problems, HashSet<(Type, string)> seen)
        {
            var (resolved, nullable) = Resolve(document, schema);
            var underlying = Nullable.GetUnderlyingType(type);
            if (nullable && type.IsValueType && underlying is null)
                problems.Add($"{place}: the service's value may be null, the Portal's {type.Name} cannot be");
            type = underlying ?? type;
            var types = Types(resolved);

            string? expected = type switch
            {
                _ when type == typeof(string) => "string",
                _ when type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(DateTime) => "string",
                _ when type == typeof(bool) => "boolean",
                _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "integer",
                _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "number",
                _ => null,
            };
            if (expected is not null)
            {
                var fits = types.Contains(expected) || (expected == "number" && types.Contains("integer"));
                if (!fits) problems.Add($"{place}: the Portal reads {type.Name}, the service sends {string.Join("|", types)}");
                else if (type == typeof(Guid) && (string?)resolved["format"] is { } f && f != "uuid")
                    problems.Add($"{place}: the Portal reads a Guid, the service sends a string of format {f}");
                return;
            }

            if (Dictionary(type) is { } valueType)
            {
                if (!types.Contains("object")) { problems.Add($"{place}: the Portal reads a map, the service sends {string.Join("|", types)}"); return; }
                if (resolved["additionalProperties"] is JsonObject values) Check(document, valueType, values, place + "{}", problems, seen);
                return;
            }
            if (Element(type) is { } element)
            {
                if (!types.Contains("array")) { problems.Add($"{place}: the Portal reads a list, the service sends {string.Join("|", types)}"); return; }
                Check(document, element, resolved["items"]!, place + "[]", problems, seen);
                return;
            }

            if (!types.Contains("object")) { problems.Add($"{place}: the Portal reads {type.Name}, the service sends {string.Join("|", types)}"); return; }
            if (!seen.Add((type, resolved.ToJsonString()))) return;
            var properties = resolved["properties"]?.AsObject();
            var nullability = new NullabilityInfoContext();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                // What the Portal fills from JSON: settable, not ignored. Computed properties are its own.
                if (property.SetMethod is not { IsPublic: true } || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
                var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicyCamel(property.Name);
                var at = $"{place}.{name}";
                if (properties?[name] is not { } propertySchema)
                {
                    problems.Add($"{at}: the Portal reads it, it is not in the service's schema");
                    continue;
                }
                if (!property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.NotNull
                    && Resolve(document, propertySchema).Nullable)
                    problems.Add($"{at}: the service's value may be null, the Portal's {property.PropertyType.Name} is not nullable");
                Check(document, property.PropertyType, propertySchema, at, problems, seen);
            }
        }

        private static string JsonNamingPolicyCamel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

        private static (JsonNode Schema, bool Nullable) Resolve(JsonNode document, JsonNode schema)
        {
            var nullable = false;
            while (true)
            {
                if ((string?)schema["$ref"] is { } reference)
                {
                    schema = document["components"]!["schemas"]![reference[(reference.LastIndexOf('/') + 1)..]]!;
                    continue;
                }
                if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray choices)
                {
                    nullable |= choices.Any(c => Types(c!).Contains("null"));
                    schema = choices.First(c => !Types(c!).SequenceEqual(["null"]))!;
                    continue;
                }
                return (schema, nullable || Types(schema).Contains("null"));
            }
        }

        private static IReadOnlyList<string> Types(JsonNode schema) => schema["type"] switch
        {
            JsonArray many => [.. many.Select(t => (string)t!)],
            JsonValue one => [(string)one!],
            // No type but properties or a reference: an object.
            _ => schema["properties"] is not null || schema["$ref"] is not null ? ["object"] : [],
        };

        private static Type? Dictionary(Type type) =>
            type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
                && typeof(IEnumerable).IsAssignableFrom(type) ? value : null;

        private static Type? Element(Type type)
        {
            if (type == typeof(string)) return null;
            if (type.IsArray) return type.GetElementType();
            return type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type) ? element : null;
        }
    }
}
