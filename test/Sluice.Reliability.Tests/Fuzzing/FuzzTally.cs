using System.Collections.Concurrent;
using System.Text;

namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>What the fuzz run sent and got, from all senders at once: answers per kind, acknowledged and refused ids, failures.</summary>
internal sealed class FuzzTally
{
    private readonly ConcurrentDictionary<(FuzzKind Kind, string Answer), int> _answers = new();
    private readonly ConcurrentDictionary<FuzzKind, long> _bytes = new();
    private readonly ConcurrentBag<FuzzBody> _acknowledged = [];
    private long _acknowledgedRecords;

    public ConcurrentQueue<string> Failures { get; } = new();

    public ConcurrentBag<long> RefusedIds { get; } = [];

    public long AcknowledgedRecords => Interlocked.Read(ref _acknowledgedRecords);

    public void Count(FuzzBody body, string answer)
    {
        _answers.AddOrUpdate((body.Kind, answer), 1, (_, n) => n + 1);
        _bytes.AddOrUpdate(body.Kind, body.Bytes.Length, (_, n) => n + body.Bytes.Length);
    }

    public void Fail(int index, FuzzBody body, string problem)
    {
        Count(body, "failed");
        Failures.Enqueue($"body {index} ({body.Kind}, {body.Bytes.Length:N0} bytes{(body.Chunked ? ", chunked" : string.Empty)}, " +
            $"content type {body.ContentType ?? "none"}): {problem}; starts {Preview(body.Bytes)}");
    }

    public void Acknowledged(FuzzBody body)
    {
        _acknowledged.Add(body with { Bytes = [] });
        Interlocked.Add(ref _acknowledgedRecords, body.Records);
    }

    public void Refused(FuzzBody body) => RefusedIds.Add(body.FirstId);

    /// <summary>The fuzz_valid_n of every record of every acknowledged valid body.</summary>
    public List<long> ExpectedIds() =>
        [.. _acknowledged.Where(b => b.IdCount > 0).SelectMany(b => Enumerable.Range(0, b.IdCount).Select(i => b.FirstId + i))];

    /// <summary>A table: one row per kind, bodies and MB sent, and the answers by status.</summary>
    public string Render()
    {
        var answers = _answers.Keys.Select(k => k.Answer).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append($"{"kind",-17} {"bodies",7} {"MB",8}");
        foreach (var answer in answers)
        {
            text.Append($" {answer,7}");
        }

        text.AppendLine();
        foreach (var kind in Enum.GetValues<FuzzKind>())
        {
            var sent = answers.Sum(a => _answers.GetValueOrDefault((kind, a)));
            if (sent == 0)
            {
                continue;
            }

            text.Append($"{kind,-17} {sent,7} {_bytes.GetValueOrDefault(kind) / 1e6,8:0.0}");
            foreach (var answer in answers)
            {
                text.Append($" {_answers.GetValueOrDefault((kind, answer)),7}");
            }

            text.AppendLine();
        }

        text.Append($"{"total",-17} {_answers.Values.Sum(),7} {_bytes.Values.Sum() / 1e6,8:0.0}");
        foreach (var answer in answers)
        {
            text.Append($" {_answers.Where(a => a.Key.Answer == answer).Sum(a => a.Value),7}");
        }

        return text.ToString();
    }

    private static string Preview(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 120));
        return System.Text.Json.JsonSerializer.Serialize(text);
    }
}
