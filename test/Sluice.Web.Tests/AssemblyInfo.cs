// Each test class runs its own `sluice serve` and Chromium; one class at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
