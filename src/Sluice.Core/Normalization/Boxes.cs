namespace Sluice.Core.Normalization;

/// <summary>
/// Shared boxes for common values. Rows are <c>object?[]</c> (the <see cref="Tables.TableWrite"/> contract), and a batch's
/// rows all live until the load commits: sharing the boxes of booleans, small integers and level ids keeps the garbage
/// collector from copying a million identical objects.
/// </summary>
internal static class Boxes
{
    private const long SmallMin = -128;
    private const long SmallMax = 1023;
    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly object[] Small = CreateSmall();

    public static object Boolean(bool value) => value ? True : False;

    public static object Int64(long value) => value is >= SmallMin and <= SmallMax ? Small[value - SmallMin] : value;

    private static object[] CreateSmall()
    {
        var boxes = new object[SmallMax - SmallMin + 1];
        for (var i = 0; i < boxes.Length; i++)
        {
            boxes[i] = SmallMin + i;
        }

        return boxes;
    }
}
