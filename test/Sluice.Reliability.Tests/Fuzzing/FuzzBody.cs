namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>How a body was made; the fuzz run counts bodies and answers per kind.</summary>
public enum FuzzKind
{
    /// <summary>A provider payload, unchanged but for its <c>fuzz_valid_n</c> ids: must answer 200 and load exactly once.</summary>
    Valid,
    BitFlip,
    Truncated,
    DeepNesting,
    HugeNumbers,
    NulBytes,
    InvalidUtf8,
    LoneSurrogates,
    DuplicateKeys,
    WideObject,
    OddKeys,
    ReservedNames,
    WrongContentType,
    Chunked,
    NotRecords,
    HugeArray,
    Oversized,
}

/// <summary>What the ingest contract (README, "Ingest contract") says this body must answer.</summary>
public enum FuzzExpect
{
    /// <summary>200 <c>Batch Accepted!</c>: well-formed JSON, an object or an array of objects.</summary>
    Accepted,

    /// <summary>400 <c>Malformed json in the body!</c> with an error that contains <see cref="FuzzBody.ErrorMustContain"/>.</summary>
    Malformed,

    /// <summary>200, or 400 with a specific error: a random mutation may or may not leave well-formed JSON.</summary>
    AcceptedOrMalformed,

    /// <summary>415 for form-encoded and multipart bodies.</summary>
    Unsupported,

    /// <summary>413 for bodies of 20 MB or more.</summary>
    TooLarge,
}

/// <summary>
/// One fuzzed request: its bytes, how it is sent, what it must answer, and the <c>fuzz_valid_n</c> ids of its records
/// (<see cref="FirstId"/> .. + <see cref="IdCount"/>; none for mutated bodies) which must load exactly once if it answers 200
/// and never if it does not.
/// </summary>
public sealed record FuzzBody(FuzzKind Kind, byte[] Bytes, FuzzExpect Expect)
{
    /// <summary>The Content-Type header; null sends none.</summary>
    public string? ContentType { get; init; } = "application/json";

    /// <summary>Sent with <c>Transfer-Encoding: chunked</c> (no Content-Length), in pieces.</summary>
    public bool Chunked { get; init; }

    /// <summary>For <see cref="FuzzExpect.Malformed"/>: a part of the error text that names what was wrong.</summary>
    public string? ErrorMustContain { get; init; }

    public long FirstId { get; init; }

    public int IdCount { get; init; }

    /// <summary>How many records the body holds when it is accepted (counted by the generator, or by parsing for random mutations).</summary>
    public int Records { get; init; }
}
