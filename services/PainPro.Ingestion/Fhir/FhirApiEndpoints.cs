using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PainPro.Fhir;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// The FHIR R4 API under <c>/fhir/r4</c> (JSON, <c>application/fhir+json</c>): <c>metadata</c>, Questionnaire,
/// QuestionnaireResponse and Observation reads and searches, Patient and Procedure reads and <c>Patient/{id}/$everything</c>.
/// API key or staff sign-in, like the rest of Ingestion's API; <c>metadata</c> is open, as FHIR clients expect.
/// </summary>
public static class FhirApiEndpoints
{
    public const string Base = "/fhir/r4";

    public static IHostApplicationBuilder AddFhirApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FhirOptions>().BindConfiguration(FhirOptions.Section);
        builder.Services.AddSingleton<ResultResources>();
        builder.Services.AddSingleton<FhirApi>();
        builder.AddConsumer<FhirIdentifiersConsumer>(IngestionExtensions.ServiceName);
        return builder;
    }

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Base + "/metadata", (FhirApi api, TimeProvider clock) =>
            FhirResults.Resource(FhirCapabilities.Statement(api.BaseUrl, clock.GetUtcNow()))).AllowAnonymous().WithTags("fhir")
            .WithDescription("The FHIR R4 CapabilityStatement (application/fhir+json).");

        // FHIR resources and OperationOutcomes (application/fhir+json), whose schemas are FHIR R4's own.
        var fhir = app.MapGroup(Base).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("fhir")
            .WithDescription("FHIR R4 (application/fhir+json): a resource or a searchset Bundle; errors are OperationOutcomes. See GET /fhir/r4/metadata.");
        fhir.MapGet("/Questionnaire", (FhirApi api, HttpContext http, CancellationToken ct) => api.SearchQuestionnairesAsync(http, ct));
        fhir.MapGet("/Questionnaire/{id}", (FhirApi api, string id) => api.ReadQuestionnaire(id));
        fhir.MapGet("/QuestionnaireResponse", (FhirApi api, HttpContext http, CancellationToken ct) => api.SearchResponsesAsync(http, ct));
        fhir.MapGet("/QuestionnaireResponse/{id}", (FhirApi api, HttpContext http, string id, CancellationToken ct) => api.ReadResponseAsync(http, id, ct));
        fhir.MapGet("/Observation", (FhirApi api, HttpContext http, CancellationToken ct) => api.SearchObservationsAsync(http, ct));
        fhir.MapGet("/Observation/{id}", (FhirApi api, HttpContext http, string id, CancellationToken ct) => api.ReadObservationAsync(http, id, ct));
        fhir.MapGet("/Patient/{id}", (FhirApi api, HttpContext http, string id, CancellationToken ct) => api.ReadPatientAsync(http, id, ct));
        fhir.MapGet("/Patient/{id}/$everything", (FhirApi api, HttpContext http, string id, CancellationToken ct) => api.EverythingAsync(http, id, ct));
        fhir.MapGet("/Procedure/{id}", (FhirApi api, HttpContext http, string id, CancellationToken ct) => api.ReadProcedureAsync(http, id, ct));

        // Anything else under the base is answered in FHIR's terms rather than with an empty 404.
        app.Map(Base + "/{**path}", (FhirApi api, HttpContext http) => api.NotSupported(http)).ExcludeFromDescription();
        return app;
    }
}
