using System.Text;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Sluice.Storage;

/// <summary>
/// The control plane: accounts, tokens, sources, destinations, notifications, hooks and their deliveries, web app users. Callers use this type (through
/// <see cref="IDbContextFactory{ControlDbContext}"/>); each provider derives from it only to own its migrations.
/// </summary>
public abstract class ControlDbContext : DbContext, IDataProtectionKeyContext
{
    protected ControlDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// Whether the control plane is on PostgreSQL (else SQLite): the one provider switch for the few statements that differ
    /// (row locks with <c>SKIP LOCKED</c>, SQLite's <c>PRAGMA</c>s). <see cref="ControlDbContextFactory"/> picks the context.
    /// </summary>
    public bool IsPostgres => this is PostgresControlDbContext;

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Source> Sources => Set<Source>();

    public DbSet<WebhookToken> WebhookTokens => Set<WebhookToken>();

    public DbSet<Destination> Destinations => Set<Destination>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<Hook> Hooks => Set<Hook>();

    public DbSet<CustomEmail> CustomEmails => Set<CustomEmail>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    public DbSet<HookOutboxCursor> HookOutboxCursors => Set<HookOutboxCursor>();

    public DbSet<User> Users => Set<User>();

    /// <summary>
    /// The Data Protection key ring of a deployment of several nodes (<c>Buffer:Provider</c> = <c>nats</c>), so that what one
    /// node encrypts (destination passwords, signing secrets, sign-in cookies) every node reads. One node keeps its keys in
    /// <c>&lt;data-dir&gt;/keys</c> instead.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SourceLease> SourceLeases => Set<SourceLease>();

    public DbSet<LoadLogEntry> LoadLog => Set<LoadLogEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Every timestamp is UTC; SQLite hands DateTime back without a kind, so say it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Account>(e =>
        {
            e.ToTable("accounts");
        });

        modelBuilder.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Hint).HasMaxLength(8);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.AccountId);
            e.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Source>(e =>
        {
            e.ToTable("sources");
            e.Property(s => s.DisplayName).HasMaxLength(200);
            e.Property(s => s.Name).HasMaxLength(63);
            e.Property(s => s.Type).HasMaxLength(100);
            e.Property(s => s.PrimaryKey).HasMaxLength(50);
            e.Property(s => s.TableFrom).HasMaxLength(300);
            e.Property(s => s.CaptureHeaders).HasMaxLength(2000);
            e.Property(s => s.LastReloadRefused).HasMaxLength(500);
            e.Property(s => s.SigningSecret).HasMaxLength(2000);
            e.Property(s => s.PreviousSigningSecret).HasMaxLength(2000);
            e.Property(s => s.LastSignatureRefusal).HasMaxLength(500);

            // Schema names of deleted sources can be reused (BEHAVIOUR.md §1.2).
            e.HasIndex(s => new { s.AccountId, s.Name }).IsUnique().HasFilter("deleted_at IS NULL");
            e.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<WebhookToken>(e =>
        {
            e.ToTable("webhook_tokens");
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Hint).HasMaxLength(8);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.SourceId);
            e.HasOne<Source>().WithMany().HasForeignKey(t => t.SourceId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Destination>(e =>
        {
            e.ToTable("destinations");
            e.Property(d => d.Type).HasMaxLength(20);
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.ConnectionJson).HasColumnName("connection_json");
            e.HasIndex(d => d.AccountId);
            e.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.Property(n => n.Level).HasMaxLength(20);
            e.Property(n => n.Category).HasMaxLength(40);
            e.Property(n => n.Code).HasMaxLength(60);
            e.Property(n => n.Title).HasMaxLength(200);
            e.HasIndex(n => new { n.AccountId, n.CreatedAt });
            e.HasOne<Account>().WithMany().HasForeignKey(n => n.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Hook>(e =>
        {
            e.ToTable("hooks");
            e.Property(h => h.Type).HasMaxLength(20);
            e.Property(h => h.Url).HasMaxLength(2048);
            e.HasIndex(h => h.AccountId);
            e.HasIndex(h => h.DestinationId);
            e.HasOne<Account>().WithMany().HasForeignKey(h => h.AccountId).OnDelete(DeleteBehavior.Restrict);

            // Deleting a destination deletes its hooks (BEHAVIOUR.md §6.1).
            e.HasOne<Destination>().WithMany().HasForeignKey(h => h.DestinationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CustomEmail>(e =>
        {
            e.ToTable("custom_emails");
            e.Property(c => c.EmailAddress).HasMaxLength(320);
            e.HasIndex(c => c.AccountId);
            e.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.Property(d => d.WebhookId).HasMaxLength(64);
            e.Property(d => d.RootTable).HasMaxLength(255);
            e.Property(d => d.Status).HasMaxLength(20);
            e.Property(d => d.TraceParent).HasMaxLength(55);
            e.HasIndex(d => d.WebhookId).IsUnique();

            // Re-reading a load (after a crash, or the poll after the fast path) never creates a second delivery.
            e.HasIndex(d => new { d.HookId, d.LoadId, d.RootTable }).IsUnique().HasFilter("replay_of_delivery_id IS NULL");
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
            e.HasIndex(d => new { d.HookId, d.CreatedAt });
            e.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Hook>().WithMany().HasForeignKey(d => d.HookId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Delivery>().WithMany().HasForeignKey(d => d.ReplayOfDeliveryId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<DeliveryAttempt>(e =>
        {
            e.ToTable("delivery_attempts");
            e.HasIndex(a => new { a.DeliveryId, a.Number }).IsUnique();
            e.HasOne<Delivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<HookOutboxCursor>(e =>
        {
            e.ToTable("hook_outbox_cursors");
            e.HasKey(c => c.AccountId);
            e.Property(c => c.AccountId).ValueGeneratedNever();
            e.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.Email).HasMaxLength(320);
            e.Property(u => u.PasswordHash).HasMaxLength(200);
            e.HasIndex(u => u.Email).IsUnique();
            e.HasIndex(u => u.AccountId);
            e.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));

        modelBuilder.Entity<SourceLease>(e =>
        {
            e.ToTable("source_leases");
            e.HasKey(l => l.SourceId);
            e.Property(l => l.SourceId).ValueGeneratedNever();
            e.Property(l => l.Holder).HasMaxLength(200);
        });

        modelBuilder.Entity<LoadLogEntry>(e =>
        {
            e.ToTable("load_log");
            e.Property(l => l.Destination).HasMaxLength(20);
            e.Property(l => l.LastTable).HasMaxLength(200);
            e.HasIndex(l => l.LoadId).IsUnique();
            e.HasIndex(l => new { l.AccountId, l.CommittedAt });
            e.HasIndex(l => new { l.SourceId, l.CommittedAt });
            e.HasIndex(l => l.CommittedAt);
            e.HasOne<Account>().WithMany().HasForeignKey(l => l.AccountId).OnDelete(DeleteBehavior.Restrict);
        });

        // snake_case columns, so hand-written SQL (and the filter above) reads the same on every provider.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(name[i]));
            }
            else
            {
                builder.Append(name[i]);
            }
        }

        return builder.ToString();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
