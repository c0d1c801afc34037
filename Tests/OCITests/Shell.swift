import Foundation

/// Runs command-line tools (tar, gzip, zstd, umoci, skopeo, sha256sum) for tests.
enum Shell {
  struct Failure: Error, CustomStringConvertible {
    let command: [String]
    let status: Int32
    let output: String
    var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
  }

  /// Runs `arguments` (looked up in PATH); returns stdout, or throws with stderr on failure.
  /// Standard output goes to `outputPath` when given (for large outputs).
  @discardableResult
  static func run(_ arguments: [String], outputPath: String? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("podhop-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    let outputFile =
      outputPath.map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("podhop-stdout-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    defer { if outputPath == nil { try? FileManager.default.removeItem(at: outputFile) } }
    process.standardOutput = try FileHandle(forWritingTo: outputFile)
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    guard process.terminationStatus == 0 else {
      throw Failure(command: arguments, status: process.terminationStatus, output: errors)
    }
    return outputPath == nil ? try Data(contentsOf: outputFile) : Data()
  }

  /// `sha256:<hex>` of a file, computed by coreutils' `sha256sum`.
  static func sha256sum(_ path: String) throws -> String {
    let output = String(decoding: try run(["sha256sum", path]), as: UTF8.self)
    return "sha256:" + output.prefix(while: { $0 != " " })
  }
}
