namespace Sluice.Server;

/// <summary>
/// Every log event id Sluice writes, in one place: a range per feature, one constant per <c>[LoggerMessage]</c>. Ids are
/// part of the operator's interface (log shippers and alerts match on <c>EventId</c>; README "Log events" lists them): a
/// new event takes the next free id of its range, and an id is never reused for another meaning.
/// </summary>
public static class LogEvents
{
    /// <summary>The control plane: migrations, the first start, the listening address, key import.</summary>
    public static class ControlPlane
    {
        /// <summary>Information: Control plane ready ({Provider}); migrations applied</summary>
        public const int Migrated = 1000;

        /// <summary>Information: First start: created account {ClientId}; its API token is in {AdminTokenPath}</summary>
        public const int Bootstrapped = 1001;

        /// <summary>Information: Sluice listens on {BaseUrl}; written to {ServerUrlPath}</summary>
        public const int Listening = 1002;

        /// <summary>Information: Created the first web app user {Email} of account {ClientId}; its password is in {AdminPasswordPath}</summary>
        public const int FirstUserCreated = 1003;

        /// <summary>Information: Copied {Keys} Data Protection keys from {KeysPath} into the control plane, which every node shares</summary>
        public const int KeysImported = 1004;
    }

    /// <summary>The durable buffer on SQLite: group commits and the archive sweep.</summary>
    public static class Buffer
    {
        /// <summary>Error: Could not open {Store}; ingest answers 503 until restarted</summary>
        public const int WriterFailed = 2001;

        /// <summary>Error: Could not commit {Requests} ingest requests to {Store}; they were answered with an error and nothing was acknowledged</summary>
        public const int CommitFailed = 2002;

        /// <summary>Information: Deleted {Records} archived records older than the retention of {Retention}</summary>
        public const int Swept = 2003;

        /// <summary>Warning: Could not sweep the buffer's archive; trying again at the next sweep</summary>
        public const int SweepFailed = 2004;
    }

    /// <summary>The buffer on NATS JetStream (several nodes).</summary>
    public static class JetStream
    {
        /// <summary>Information: Buffer on NATS JetStream {Url}: stream {Stream}, {Replicas} replicas, archive retention {Retention}</summary>
        public const int Ready = 2101;

        /// <summary>Warning: NATS JetStream at {Url} is not available; ingest answers 503 until it is</summary>
        public const int SetUpFailed = 2102;

        /// <summary>Warning: The NATS servers take messages of at most {MaxPayload} bytes (max_payload); requests are split into parts of that size, and a single record larger than that is refused with 413. Set max_payload: 24MB on every server to take every record ingest accepts (up to 20 MB)</summary>
        public const int SmallPayload = 2103;

        /// <summary>Warning: The buffer's index of the NATS record stream stopped; it is rebuilt from the cursors in a second</summary>
        public const int IndexFailed = 2104;

        /// <summary>Warning: Message {Sequence} on {Subject} in the record stream is not a Sluice record message; it is left alone</summary>
        public const int ForeignMessage = 2105;

        /// <summary>Warning: Could not purge the loaded messages of source {SourceId} through stream sequence {Through}; the next archive sweep does</summary>
        public const int PurgeFailed = 2106;

        /// <summary>Warning: JetStream did not acknowledge {Records} records of source {SourceId}; answered 503</summary>
        public const int PublishFailed = 2107;
    }

    /// <summary>The loader: loads, splits, rejections, reloads, leases.</summary>
    public static class Loading
    {
        /// <summary>Information: Loaded source {SourceId} into schema {Schema}: {Records} records, {Rows} rows, {Rejected} rejected</summary>
        public const int Loaded = 3001;

        /// <summary>Warning: Load of source {SourceId} failed ({Failures} in a row); next attempt at {NextAttemptAt}</summary>
        public const int LoadFailed = 3002;

        /// <summary>Error: The loader loop failed; it goes on at the next poll</summary>
        public const int LoopFailed = 3003;

        /// <summary>Error: Could not record the load failure notification of source {SourceId}</summary>
        public const int NotifyFailed = 3004;

        /// <summary>Information: Reloaded source {SourceId} into schema {Schema} at table version {Version}: {Records} records, {Rows} rows, {Recovered} formerly rejected records loaded</summary>
        public const int Reloaded = 3005;

        /// <summary>Warning: Reload of source {SourceId} ({Schema}) refused: {Reason}</summary>
        public const int ReloadRefused = 3006;

        /// <summary>Warning: Lost the lease of source {SourceId} (node {Holder}): another node loads it now; this node's run of it stops</summary>
        public const int LeaseLost = 3007;

        /// <summary>Warning: Could not take, renew or give up the lease of source {SourceId} in the control plane</summary>
        public const int LeaseFailed = 3008;

        /// <summary>Warning: Load of source {SourceId} failed on its {Records} records; the next loads take at most {Cap}</summary>
        public const int LoadSplit = 3009;

        /// <summary>Warning: Source {SourceId}: the record at sequence {Sequence} could not be loaded on its own and went to _sdc_rejected: {Reason}</summary>
        public const int RejectedWhole = 3010;

        /// <summary>Warning: Source {SourceId}: load {LoadId} committed but could not be written to the control plane's load log; the dashboard's figures miss it</summary>
        public const int NotRecorded = 3040;
    }

    /// <summary>The hook outbox: queuing a load's deliveries, recovery after a crash.</summary>
    public static class Outbox
    {
        /// <summary>Debug: Queued {Count} post-load deliveries of account {ClientId}</summary>
        public const int Queued = 5001;

        /// <summary>Information: The outbox poll queued {Count} post-load deliveries of account {ClientId} that the fast path had not</summary>
        public const int Recovered = 5002;

        /// <summary>Warning: Could not read the committed loads of account {ClientId} for its hooks; trying again at the next poll</summary>
        public const int PollFailed = 5003;

        /// <summary>Error: The hook outbox loop failed; it goes on at the next poll</summary>
        public const int LoopFailed = 5004;
    }

    /// <summary>The hook dispatcher: attempts, final failures, their emails.</summary>
    public static class Dispatcher
    {
        /// <summary>Information: Attempt {Attempt} of delivery {DeliveryId} to {Url} failed: {Error}</summary>
        public const int AttemptFailed = 5101;

        /// <summary>Warning: Delivery {DeliveryId} to {Url} failed for good after {Attempts} attempts: {Error}</summary>
        public const int FailedForGood = 5102;

        /// <summary>Error: A dispatch round failed; trying again at the next poll</summary>
        public const int RoundFailed = 5103;

        /// <summary>Error: Could not record {Count} delivery outcomes; those deliveries are tried again when their claim ends</summary>
        public const int WriteFailed = 5104;

        /// <summary>Warning: Shutting down: the email about delivery {DeliveryId} to {Url} failing for good was not sent within {Grace}; its in-app notification exists</summary>
        public const int NotEmailed = 5105;
    }

    /// <summary>Notification email.</summary>
    public static class Email
    {
        /// <summary>Warning: Email is off (Smtp:Host is not set): "{Subject}" ({About}, account {ClientId}) is notified in-app only</summary>
        public const int EmailOff = 6001;

        /// <summary>Warning: Account {ClientId} has no email recipient: "{Subject}" ({About}) is notified in-app only</summary>
        public const int NoRecipients = 6002;

        /// <summary>Information: Emailed "{Subject}" ({About}) to {Count} recipient(s)</summary>
        public const int Sent = 6003;

        /// <summary>Error: Could not email "{Subject}" ({About}, account {ClientId}); the in-app notification exists</summary>
        public const int SendFailed = 6004;
    }

    /// <summary>sluice backup.</summary>
    public static class Backup
    {
        /// <summary>Information: Backup: copied {Store} ({Bytes} bytes) in {Milliseconds} ms</summary>
        public const int Copied = 9100;

        /// <summary>Information: Backup staged: {Files} files, {Bytes} bytes in {Milliseconds} ms</summary>
        public const int Staged = 9101;
    }
}
