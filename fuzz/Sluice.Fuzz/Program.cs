using Sluice.Fuzz;

// With libFuzzer (libfuzzer-dotnet starts this program): inputs come from libFuzzer. With paths (files or directories):
// each file runs once through the target, without libFuzzer, e.g. `dotnet run --project fuzz/Sluice.Fuzz -- fuzz/corpus`.
if (args.Length == 0)
{
    SharpFuzz.Fuzzer.LibFuzzer.Run(IngestTarget.Run);
    return 0;
}

var files = args.SelectMany(path => Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[path]).ToList();
foreach (var file in files)
{
    try
    {
        IngestTarget.Run(File.ReadAllBytes(file));
    }
    catch (Exception ex)
    {
        Console.Error.WriteLine($"{file}: {ex}");
        return 1;
    }
}

Console.WriteLine($"{files.Count} inputs ran through the ingest parser and the load planner without an exception.");
return 0;
