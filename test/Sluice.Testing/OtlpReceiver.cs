using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Testing;

/// <summary>
/// A real OTLP/HTTP trace receiver on 127.0.0.1 (what a collector listens on at :4318): it takes the protobuf
/// <c>ExportTraceServiceRequest</c> bodies an exporter posts to <c>/v1/traces</c>, decodes their spans (a reader of the wire
/// format for the fields of opentelemetry-proto's trace.proto that tests look at) and answers 200 as a collector does.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<string> _paths = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>What to set <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> to, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>The spans received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToList();

    /// <summary>The paths the exporter posted to.</summary>
    public IReadOnlyList<string> Paths => _paths.ToList();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = address.TrimEnd('/');
        return receiver;
    }

    /// <summary>Waits (for the exporter's batches, not for a clock) until the spans received satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForAsync(Func<IReadOnlyList<ReceivedSpan>, bool> done, string what, TimeSpan? timeout = null)
    {
        return await Eventually.ValueAsync(
            () => Task.FromResult(Spans),
            done,
            $"{what} is among the spans received",
            timeout ?? TimeSpan.FromSeconds(30),
            spans => $"{spans.Count} spans: {string.Join(", ", spans.Select(s => s.Name).Distinct())}",
            every: TimeSpan.FromMilliseconds(50));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        _paths.Enqueue(context.Request.Path.Value ?? string.Empty);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (!string.Equals(context.Request.ContentType, "application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        foreach (var span in Decode(body.ToArray()))
        {
            _spans.Enqueue(span);
        }

        // An empty ExportTraceServiceResponse: everything accepted.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>ExportTraceServiceRequest: resource_spans = 1.</summary>
    internal static List<ReceivedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        var reader = new ProtoReader(request);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1)
            {
                DecodeResourceSpans(value.Bytes, spans);
            }
        }

        return spans;
    }

    /// <summary>ResourceSpans: resource = 1 (attributes = 1), scope_spans = 2 (scope = 1 with name = 1; spans = 2).</summary>
    private static void DecodeResourceSpans(ReadOnlySpan<byte> bytes, List<ReceivedSpan> spans)
    {
        var resource = new Dictionary<string, object?>(StringComparer.Ordinal);
        var scopes = new List<byte[]>();
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1)
            {
                var r = new ProtoReader(value.Bytes);
                while (r.Next(out var f, out var v))
                {
                    if (f == 1)
                    {
                        AddAttribute(v.Bytes, resource);
                    }
                }
            }
            else if (field == 2)
            {
                scopes.Add(value.Bytes.ToArray());
            }
        }

        foreach (var scope in scopes)
        {
            var scopeName = string.Empty;
            var reader2 = new ProtoReader(scope);
            var raw = new List<byte[]>();
            while (reader2.Next(out var field, out var value))
            {
                if (field == 1)
                {
                    var s = new ProtoReader(value.Bytes);
                    while (s.Next(out var f, out var v))
                    {
                        if (f == 1)
                        {
                            scopeName = Encoding.UTF8.GetString(v.Bytes);
                        }
                    }
                }
                else if (field == 2)
                {
                    raw.Add(value.Bytes.ToArray());
                }
            }

            spans.AddRange(raw.Select(span => DecodeSpan(span, scopeName, resource)));
        }
    }

    /// <summary>Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, start 7, end 8, attributes 9, links 13, status 15.</summary>
    private static ReceivedSpan DecodeSpan(ReadOnlySpan<byte> bytes, string scope, IReadOnlyDictionary<string, object?> resource)
    {
        var (traceId, spanId, parentId, name) = (string.Empty, string.Empty, string.Empty, string.Empty);
        var (kind, statusCode) = (0, 0);
        var (start, end) = (0UL, 0UL);
        string? statusMessage = null;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var links = new List<SpanLink>();
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var field, out var value))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value.Bytes); break;
                case 2: spanId = Convert.ToHexStringLower(value.Bytes); break;
                case 4: parentId = Convert.ToHexStringLower(value.Bytes); break;
                case 5: name = Encoding.UTF8.GetString(value.Bytes); break;
                case 6: kind = (int)value.Number; break;
                case 7: start = value.Number; break;
                case 8: end = value.Number; break;
                case 9: AddAttribute(value.Bytes, attributes); break;
                case 13:
                    var (linkTrace, linkSpan) = (string.Empty, string.Empty);
                    var l = new ProtoReader(value.Bytes);
                    while (l.Next(out var f, out var v))
                    {
                        if (f == 1)
                        {
                            linkTrace = Convert.ToHexStringLower(v.Bytes);
                        }
                        else if (f == 2)
                        {
                            linkSpan = Convert.ToHexStringLower(v.Bytes);
                        }
                    }

                    links.Add(new SpanLink(linkTrace, linkSpan));
                    break;
                case 15:
                    var st = new ProtoReader(value.Bytes);
                    while (st.Next(out var f, out var v))
                    {
                        if (f == 2)
                        {
                            statusMessage = Encoding.UTF8.GetString(v.Bytes);
                        }
                        else if (f == 3)
                        {
                            statusCode = (int)v.Number;
                        }
                    }

                    break;
            }
        }

        return new ReceivedSpan(scope, traceId, spanId, parentId, name, (SpanKind)kind, start, end, attributes, links, statusCode, statusMessage, resource);
    }

    /// <summary>KeyValue: key = 1, value = 2 (AnyValue: string 1, bool 2, int 3, double 4).</summary>
    private static void AddAttribute(ReadOnlySpan<byte> bytes, Dictionary<string, object?> into)
    {
        string? key = null;
        object? result = null;
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1)
            {
                key = Encoding.UTF8.GetString(value.Bytes);
            }
            else if (field == 2)
            {
                var any = new ProtoReader(value.Bytes);
                while (any.Next(out var f, out var v))
                {
                    result = f switch
                    {
                        1 => Encoding.UTF8.GetString(v.Bytes),
                        2 => v.Number != 0,
                        3 => (long)v.Number,
                        4 => BitConverter.Int64BitsToDouble((long)v.Number),
                        _ => result,
                    };
                }
            }
        }

        if (key is not null)
        {
            into[key] = result;
        }
    }

    /// <summary>One field of a protobuf message: a number (varint, fixed32, fixed64) or bytes (length-delimited).</summary>
    private readonly ref struct ProtoValue(ulong number, ReadOnlySpan<byte> bytes)
    {
        public ulong Number { get; } = number;

        public ReadOnlySpan<byte> Bytes { get; } = bytes;
    }

    /// <summary>Reads a protobuf message's fields in order (wire types 0, 1, 2 and 5; groups are not used by OTLP).</summary>
    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public bool Next(out int field, out ProtoValue value)
        {
            value = default;
            field = 0;
            if (_at >= _data.Length)
            {
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    value = new ProtoValue(Varint(), default);
                    break;
                case 1:
                    value = new ProtoValue(BitConverter.ToUInt64(_data.Slice(_at, 8)), default);
                    _at += 8;
                    break;
                case 2:
                    var length = (int)Varint();
                    value = new ProtoValue(0, _data.Slice(_at, length));
                    _at += length;
                    break;
                case 5:
                    value = new ProtoValue(BitConverter.ToUInt32(_data.Slice(_at, 4)), default);
                    _at += 4;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {tag & 7} of field {field} is not OTLP's.");
            }

            return true;
        }

        private ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _data[_at++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }
        }
    }
}

/// <summary>OTLP's span kinds (trace.proto <c>SpanKind</c>).</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>A link of a span to another span (a group commit's to the requests it served).</summary>
public sealed record SpanLink(string TraceId, string SpanId);

/// <summary>One span as an OTLP receiver got it: ids in lowercase hex, times in Unix nanoseconds, status code 2 = error.</summary>
public sealed record ReceivedSpan(
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    SpanKind Kind,
    ulong StartUnixNano,
    ulong EndUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<SpanLink> Links,
    int StatusCode,
    string? StatusMessage,
    IReadOnlyDictionary<string, object?> Resource)
{
    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);

    public override string ToString() => $"{Name} {TraceId}/{SpanId} parent {ParentSpanId} [{string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))}]";
}
