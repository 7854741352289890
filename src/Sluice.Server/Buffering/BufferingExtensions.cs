using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

public static class BufferingExtensions
{
    /// <summary>The SQLite buffer (<c>buffer.db</c>): its group-commit writer for ingest and its reader for the loader.</summary>
    public static WebApplicationBuilder AddBuffering(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BufferDatabase>();
        builder.Services.AddSingleton<SqliteRecordBuffer>();
        builder.Services.AddSingleton<IRecordBuffer>(sp => sp.GetRequiredService<SqliteRecordBuffer>());
        builder.Services.AddSingleton<GroupCommitWriter>();
        builder.Services.AddSingleton<IIngestWriter>(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddHealthChecks().AddCheck<BufferHealthCheck>("buffer", tags: ["ready"]);
        return builder;
    }
}
