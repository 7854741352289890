using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Sluice.Server.Deliveries;

namespace Sluice.Server.Tests.Hooks;

/// <summary>For tests of the outbox and the delivery log that must see deliveries exactly as the outbox wrote them.</summary>
internal static class DispatcherOff
{
    public static void Apply(WebApplicationBuilder builder)
    {
        var dispatcher = builder.Services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(HookDispatcher));
        builder.Services.Remove(dispatcher);
    }
}
