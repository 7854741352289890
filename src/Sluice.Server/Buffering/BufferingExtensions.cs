using Microsoft.Extensions.Options;
using Sluice.Server.Buffering.JetStream;
using Sluice.Server.Operations;
using Sluice.Storage;

namespace Sluice.Server.Buffering;

public static class BufferingExtensions
{
    /// <summary>
    /// The buffer (<see cref="BufferOptions"/>, the <c>Buffer</c> section): by default the SQLite buffer (<c>buffer.db</c>)
    /// with its group-commit writer for ingest, its reader for the loader and the sweep of its raw archive; with
    /// <c>Buffer:Provider</c> = <c>nats</c> the same on a NATS JetStream stream shared by several nodes.
    /// </summary>
    public static WebApplicationBuilder AddBuffering(this WebApplicationBuilder builder)
    {
        var controlPlane = builder.Configuration[$"{ControlPlaneOptions.Section}:Provider"] ?? ControlPlaneOptions.Sqlite;
        builder.Services.AddOptions<BufferOptions>()
            .Bind(builder.Configuration.GetSection(BufferOptions.Section))
            .Validate(o => o.Provider is BufferOptions.Sqlite or BufferOptions.Nats, "Buffer:Provider must be 'sqlite' (default) or 'nats'.")
            .Validate(
                o => !o.IsNats || string.Equals(controlPlane, ControlPlaneOptions.Postgres, StringComparison.OrdinalIgnoreCase),
                "Buffer:Provider 'nats' runs several nodes, which share one control plane: set ControlPlane:Provider to 'postgres' and ControlPlane:ConnectionString.")
            .Validate(o => o.Retention >= TimeSpan.Zero, "Buffer:Retention must be zero (no archive) or positive, e.g. 7.00:00:00 (the default).")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "Buffer:SweepInterval must be positive, e.g. 00:05:00 (the default).")
            .ValidateOnStart();
        builder.Services.AddOptions<GroupCommitOptions>()
            .Bind(builder.Configuration.GetSection(GroupCommitOptions.Section))
            .Validate(o => o.QueueCapacity >= 1, "Ingest:QueueCapacity must be at least 1.")
            .ValidateOnStart();
        var provider = builder.Configuration[$"{BufferOptions.Section}:Provider"];
        if (string.Equals(provider, BufferOptions.Nats, StringComparison.OrdinalIgnoreCase))
        {
            AddJetStream(builder);
        }
        else
        {
            AddSqlite(builder);
        }

        return builder;
    }

    private static void AddSqlite(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BufferDatabase>();
        builder.Services.AddSingleton<SqliteRecordBuffer>(sp => new SqliteRecordBuffer(
            sp.GetRequiredService<BufferDatabase>(), sp.GetRequiredService<IOptions<BufferOptions>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IRecordBuffer>(sp => sp.GetRequiredService<SqliteRecordBuffer>());
        builder.Services.AddSingleton<GroupCommitWriter>();
        builder.Services.AddSingleton<IIngestWriter>(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddSingleton<IArchiveSweep>(sp => sp.GetRequiredService<SqliteRecordBuffer>());
        builder.Services.AddHostedService<ArchiveSweeper>();
        builder.Services.AddHealthChecks().AddCheck<BufferHealthCheck>("buffer", tags: ["ready"]);
    }

    private static void AddJetStream(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JetStreamOptions>()
            .Bind(builder.Configuration.GetSection(JetStreamOptions.Section))
            .Validate(o => o.Urls.Count > 0, "Buffer:Nats:Url must name at least one NATS server, e.g. nats://127.0.0.1:4222 (comma-separated for several).")
            .Validate(o => o.Replicas is >= 1 and <= 5, "Buffer:Nats:Replicas must be 1 to 5 (JetStream's limit); 3 (the default) survives the loss of one server.")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, "Buffer:Nats:PublishTimeout must be positive, e.g. 00:00:05 (the default).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Stream) && !o.Stream.Any(c => c is '.' or '*' or '>' or ' '), "Buffer:Nats:Stream must be a name without '.', '*', '>' or spaces, e.g. SLUICE_RECORDS (the default).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.SubjectPrefix) && !o.SubjectPrefix.Any(c => c is '*' or '>' or ' '), "Buffer:Nats:SubjectPrefix must be a subject without wildcards or spaces, e.g. sluice.records (the default).")
            .ValidateOnStart();
        builder.Services.AddSingleton<JetStreamConnection>();
        builder.Services.AddSingleton<JetStreamIndex>();
        builder.Services.AddHostedService<JetStreamIndexer>();
        builder.Services.AddSingleton<JetStreamRecordBuffer>();
        builder.Services.AddSingleton<IRecordBuffer>(sp =>
        {
            sp.GetRequiredService<SluiceMetrics>().ObservePending(sp.GetRequiredService<JetStreamIndex>().Pending, sp.GetRequiredService<TimeProvider>());
            return sp.GetRequiredService<JetStreamRecordBuffer>();
        });
        builder.Services.AddSingleton<IIngestWriter, JetStreamIngestWriter>();
        builder.Services.AddSingleton<IArchiveSweep>(sp => sp.GetRequiredService<JetStreamRecordBuffer>());
        builder.Services.AddHostedService<ArchiveSweeper>();
        builder.Services.AddHealthChecks().AddCheck<JetStreamHealthCheck>("buffer", tags: ["ready"]);
    }
}
