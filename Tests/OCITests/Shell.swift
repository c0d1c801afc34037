import Foundation
import TestSupport

/// Runs command-line tools (tar, gzip, zstd, umoci, skopeo, sha256sum) for tests.
enum Shell {
  struct Failure: Error, CustomStringConvertible {
    let command: [String]
    let status: Int32
    let output: String
    var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
  }

  /// Runs `arguments` (looked up in PATH) off the cooperative pool; returns stdout, or throws
  /// with stderr on failure. Standard output goes to `outputPath` when given (large outputs).
  @discardableResult
  static func run(_ arguments: [String], outputPath: String? = nil) async throws -> Data {
    let result = try await Command.run("/usr/bin/env", arguments, stdoutPath: outputPath)
    guard result.status == 0 else { throw Failure(command: arguments, status: result.status, output: result.stderr) }
    return Data(result.stdout)
  }

  /// `sha256:<hex>` of a file, computed by coreutils' `sha256sum`.
  static func sha256sum(_ path: String) async throws -> String {
    let output = String(decoding: try await run(["sha256sum", path]), as: UTF8.self)
    return "sha256:" + output.prefix(while: { $0 != " " })
  }
}
