using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

public static class BufferingExtensions
{
    /// <summary>
    /// The SQLite buffer (<c>buffer.db</c>): its group-commit writer for ingest, its reader for the loader, and the sweep of
    /// its raw archive (<see cref="BufferOptions"/>, the <c>Buffer</c> section).
    /// </summary>
    public static WebApplicationBuilder AddBuffering(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BufferOptions>()
            .Bind(builder.Configuration.GetSection(BufferOptions.Section))
            .Validate(o => o.Retention >= TimeSpan.Zero, "Buffer:Retention must be zero (no archive) or positive, e.g. 7.00:00:00 (the default).")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "Buffer:SweepInterval must be positive, e.g. 00:05:00 (the default).")
            .ValidateOnStart();
        builder.Services.AddSingleton<BufferDatabase>();
        builder.Services.AddSingleton<SqliteRecordBuffer>(sp => new SqliteRecordBuffer(
            sp.GetRequiredService<BufferDatabase>(), sp.GetRequiredService<IOptions<BufferOptions>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IRecordBuffer>(sp => sp.GetRequiredService<SqliteRecordBuffer>());
        builder.Services.AddSingleton<GroupCommitWriter>();
        builder.Services.AddSingleton<IIngestWriter>(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddHostedService<ArchiveSweeper>();
        builder.Services.AddHealthChecks().AddCheck<BufferHealthCheck>("buffer", tags: ["ready"]);
        return builder;
    }
}
