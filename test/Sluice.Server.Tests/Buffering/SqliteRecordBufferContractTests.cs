using Microsoft.Extensions.Time.Testing;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>The buffer contract against the SQLite buffer (<c>buffer.db</c>) and its group-commit writer.</summary>
public sealed class SqliteRecordBufferContractTests : RecordBufferContract
{
    protected override async Task<IBufferUnderTest> OpenAsync(TimeSpan retention)
    {
        var buffer = new TestBuffer(retention: retention);
        await buffer.StartAsync();
        return new SqliteUnderTest(buffer);
    }

    private sealed class SqliteUnderTest(TestBuffer buffer) : IBufferUnderTest
    {
        public FakeTimeProvider Time => buffer.Time;

        public IRecordBuffer Buffer => buffer.Buffer;

        public async Task<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> records, IReadOnlyDictionary<string, string>? headers) =>
            await buffer.Writer.AppendAsync(sourceId, records, headers, CancellationToken.None);

        public Task RestartWriterAsync(TimeProvider time) => buffer.RestartAsync(time);

        public Task ReopenAsync()
        {
            buffer.ReopenBuffer();
            return Task.CompletedTask;
        }

        public Task<long> SweepArchiveAsync() => buffer.Buffer.SweepArchiveAsync(CancellationToken.None);

        public ValueTask DisposeAsync() => buffer.DisposeAsync();
    }
}
