using Sluice.Server;

// Placeholder until the CLI lands: `sluice serve` only.
if (args.Length > 0 && args[0] == "serve")
{
    await SluiceApp.Build(args[1..]).RunAsync();
    return 0;
}

Console.Error.WriteLine("usage: sluice serve [--urls URL] [--data-dir DIR]");
return 2;
