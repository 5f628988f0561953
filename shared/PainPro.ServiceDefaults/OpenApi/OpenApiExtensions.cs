using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PainPro.ServiceDefaults.Auth;
using Scalar.AspNetCore;

namespace PainPro.ServiceDefaults.OpenApi;

/// <summary>A service's part of the OpenAPI document: its title and what it is for.</summary>
public sealed record OpenApiServiceInfo(string Title, string Description);

/// <summary>
/// The OpenAPI document of a host at <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi) and, in dev mode only,
/// Scalar's UI over it at <c>/scalar</c>. Each HTTP service adds its part; AllInOne, hosting all of them, serves one
/// document naming each. Dev endpoints (<c>/dev/…</c>) are left out: they are not part of the public contract.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ScalarPath = "/scalar";

    /// <summary>Registers the document once per host and this service's part of it.</summary>
    public static IHostApplicationBuilder AddPainProOpenApi(this IHostApplicationBuilder builder, string title, string description)
    {
        builder.Services.AddSingleton(new OpenApiServiceInfo(title, description));
        if (builder.Services.Any(s => s.ServiceType == typeof(OpenApiMarker))) return builder;
        builder.Services.AddSingleton<OpenApiMarker>();
        builder.Services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath is not { } path || !path.StartsWith("dev/", StringComparison.Ordinal);
            o.AddDocumentTransformer<PainProDocumentTransformer>();
            o.AddOperationTransformer<PainProOperationTransformer>();
        });
        return builder;
    }

    /// <summary>Maps the document (open to anyone: it describes, it discloses nothing) and, in dev mode, <c>/scalar</c>.</summary>
    public static WebApplication MapPainProOpenApi(this WebApplication app)
    {
        // AllInOne maps every service: the document and its UI once.
        if (!app.Services.GetServices<OpenApiMarker>().Any() || !((IApplicationBuilder)app).Properties.TryAdd(typeof(OpenApiMarker).FullName!, true)) return app;
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        if (app.Services.GetRequiredService<IOptions<PainProOptions>>().Value.Dev.Enabled)
            app.MapScalarApiReference(ScalarPath, o => o.WithTitle("PainPro API").AddDocument(DocumentName)).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Documents a request body of <paramref name="mediaType"/> without <c>Accepts</c> metadata, which would make routing
    /// pass over the endpoint for any other content type (a 404 from a catch-all) instead of letting the handler explain
    /// what it accepts (FHIR's 415 OperationOutcome).
    /// </summary>
    public static RouteHandlerBuilder DescribesBody(this RouteHandlerBuilder endpoint, string mediaType) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
            return Task.CompletedTask;
        });

    private sealed class OpenApiMarker;
}

/// <summary>Title, description and the security scheme: an API key in <c>X-Api-Key</c>.</summary>
internal sealed class PainProDocumentTransformer(IEnumerable<OpenApiServiceInfo> services) : IOpenApiDocumentTransformer
{
    public const string ApiKeySchemeId = "apiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var parts = services.ToList();
        document.Info.Title = parts.Count == 1 ? parts[0].Title : "PainPro (all services)";
        document.Info.Version = "v1";
        document.Info.Description = string.Join("\n\n", parts.Select(p => $"**{p.Title}**: {p.Description}")) + "\n\n" +
            "Authentication: an API key in the `X-Api-Key` header. Keys from configuration (`PainPro:Auth:ApiKeys`) or issued " +
            "at the Portal's admin page act with the `integration` role. Each operation says which callers it accepts. " +
            "Errors are RFC 9457 problem details (`application/problem+json`); a 400 names each invalid field under `errors`. " +
            "While the service's database is unreachable any operation may answer 503 with `Retry-After`.";
        // Generated documents carry the host they were fetched from; the committed ones must not depend on it.
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeySchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = PainProAuth.ApiKeyHeader,
            Description = "An integration API key. The Portal calls the services with its own key and names the signed-in staff " +
                          "member in `X-PainPro-Acting-User`.",
        };
        return Task.CompletedTask;
    }
}

/// <summary>
/// For each operation behind a policy: the API-key requirement, who may call (the policy's roles, in words), and the
/// 401 and 403 problem answers the authorization middleware gives.
/// </summary>
internal sealed class PainProOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, string> Callers = new()
    {
        [PainProAuth.IntegrationPolicy] = "an integration API key (role `integration`)",
        [PainProAuth.StaffOrIntegrationPolicy] = "an integration API key, or signed-in staff (`nurse`, `manager`, `admin`) where the host has the Portal's sign-in",
        [PainProAuth.AuditPolicy] = "an integration API key, or a signed-in `admin` where the host has the Portal's sign-in",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        if (policies.Count == 0) return Task.CompletedTask;

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(PainProDocumentTransformer.ApiKeySchemeId, context.Document)] = [],
        });
        var who = string.Join("; ", policies.Select(p => Callers.GetValueOrDefault(p, $"policy `{p}`")));
        operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") + $"Callers: {who}.";
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or one that is unknown or revoked." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The caller's role may not do this." });
        return Task.CompletedTask;
    }
}
