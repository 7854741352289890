namespace Sluice.Server.Ingestion;

/// <summary>The records of an ingest body (where each lies in the body), or why it was refused.</summary>
public sealed class IngestParseResult
{
    private IngestParseResult(Range[]? records, string? error, bool isMalformed)
    {
        Records = records ?? [];
        Error = error;
        IsMalformed = isMalformed;
    }

    /// <summary>Where each record's JSON object text lies in the parsed body, in order.</summary>
    public Range[] Records { get; }

    /// <summary>Why the body was refused (specific: what, where); null when it parsed.</summary>
    public string? Error { get; }

    /// <summary>True when the body is not well-formed JSON (syntax, depth, UTF-8); false when it is JSON of the wrong shape.</summary>
    public bool IsMalformed { get; }

    public bool Succeeded => Error is null;

    public static IngestParseResult Ok(Range[] records) => new(records, null, false);

    public static IngestParseResult Malformed(string error) => new(null, error, true);

    public static IngestParseResult NotRecords(string error) => new(null, error, false);
}
