using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Sluice.Core.Benchmarks.NormalizationBenchmarks).Assembly).Run(args);
