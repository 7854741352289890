namespace Sluice.Core.Normalization;

/// <summary>The reasons written to <c>_sdc_rejected.reason</c>; the documented Stitch texts where one exists (BEHAVIOUR.md §4.6).</summary>
public static class RejectionReasons
{
    public static string ReservedName(string column) =>
        $"column names from client should not include reserved datatype suffix on {column}";

    public static string FieldCollision(string column) => $"Field collision on {column}";

    public static string ColumnNameTooLong(string column) => $"Column name {column} is too long for PostgreSQL";

    public static string TableNameTooLong(string table) => $"Table name {table} is too long for PostgreSQL";

    public const string TooManyColumns = "ERROR: too many columns";

    public static string EmptyName(string field) =>
        $"Column name for field \"{field}\" is empty after removing unsupported characters (letters, digits, underscores and spaces are kept; a name must start with a letter or underscore)";

    public static string PrimaryKeyMissing(string key) => $"Primary key field {key} is missing or null";

    public static string PrimaryKeyHeaderMissing(string key, string header) =>
        $"Primary key {key} is the captured header {header}, which the request did not send (or sent empty)";

    public static string DuplicateKey(string path) =>
        $"Key {path} appears twice in one object; JSON object keys must be unique for the record to load";

    public static string PrimaryKeyNotScalar(string key) =>
        $"Primary key field {key} must be a string, a number or a boolean, not an object or an array";

    public static string PrimaryKeyTypeMismatch(string key, string column, string actual, string expected) =>
        $"Primary key field {key} is {actual}, but key column {column} is {expected}";

    public static string DecimalOutOfRange(string column) => $"decimal out of range for PostgreSQL on {column}";

    public static string NulCharacter(string column) =>
        $"String value contains a NUL character (\\u0000), which PostgreSQL text cannot store, on {column}";

    public static string InvalidUnicode(string detail) => $"Record contains text that is not valid Unicode: {detail}";

    public static string MalformedRecord(string detail) => $"Record is not valid JSON: {detail}";

    /// <summary>The destination failed on this record alone (twice), after the load it came in was split down to it.</summary>
    public static string DestinationFailed(string error) => $"Record could not be loaded: the destination failed on it alone: {error}";

    public const string NotAnObject = "Record is not a JSON object";
}
