using Sluice.Cli;

// `sluice`: the server (`serve`) and the admin commands. The command tree is in SluiceCli.CreateRootCommand.
return await SluiceCli.RunAsync(args, CliEnvironment.System, CancellationToken.None);
