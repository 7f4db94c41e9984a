return await Coffer.Bench.Cli.BenchCommand.RunAsync(args);
