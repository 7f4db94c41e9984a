return await Coffer.Cli.CofferCommand.RunAsync(args);
