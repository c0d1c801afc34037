import Foundation

/// Runs `body` with the path of a fresh directory that is removed afterwards, so each test owns
/// its database files and tests can run in parallel.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("podhop-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try await body(directory.path)
}

/// A distinct error for tests that make a closure throw.
struct ExpectedFailure: Error {}
