import Testing

/// End-to-end runs that each load the machine (dozens of migrations, a 256 MiB push, a fuzzer):
/// run one at a time, so that together they do not starve the rest of the suite, which runs
/// beside them.
@Suite("heavy end-to-end runs", .serialized)
enum HeavyEndToEndRuns {}
