namespace Sluice.Core.Tables;

/// <summary>Column types Sluice creates. Data columns get their type from the JSON value only (DESIGN.md).</summary>
public enum ColumnType
{
    /// <summary>JSON integer within int64. PostgreSQL/DuckDB <c>bigint</c>; split suffix <c>__bi</c>.</summary>
    BigInt,

    /// <summary>Any other JSON number. <c>double precision</c>/<c>DOUBLE</c>; suffix <c>__do</c>.</summary>
    Double,

    /// <summary>JSON string. <c>text</c>/<c>VARCHAR</c>; suffix <c>__st</c>.</summary>
    Text,

    /// <summary>JSON boolean. <c>boolean</c>; suffix <c>__bo</c>.</summary>
    Boolean,

    /// <summary>Only for system columns such as <c>_sdc_received_at</c>: <c>timestamp</c> (UTC, without time zone); suffix <c>__ti</c>.</summary>
    Timestamp,

    /// <summary>
    /// JSON kept whole: a value nested deeper than a source's <c>max_depth</c>, and <c>_sdc_overflow</c>. PostgreSQL
    /// <c>jsonb</c>, DuckDB <c>JSON</c>; suffix <c>__js</c>. Values are JSON texts.
    /// </summary>
    Json,
}
