using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Sluice.Server.Accounts;

namespace Sluice.Server.ApiReference;

/// <summary>
/// Marks every operation that needs an API token (its endpoint carries a policy of the <c>ApiToken</c> scheme) with the
/// <c>bearer</c> security requirement, so the document and the UI say which calls need <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class BearerTokenTransformer : IOpenApiOperationTransformer
{
    public const string SchemeName = "bearer";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var needsToken = context.Description.ActionDescriptor.EndpointMetadata
            .OfType<AuthorizationPolicy>()
            .Any(p => p.AuthenticationSchemes.Contains(ApiTokenAuthenticationHandler.SchemeName));
        if (needsToken)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
