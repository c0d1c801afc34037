import Foundation

/// Runs the command-line tools the emulator relies on (openssl, skopeo, umoci) on threads of
/// their own, never on the cooperative pool.
enum ToolRunner {
  /// Runs `executable` with `arguments`; returns stdout, throws `EmulatorError` with stderr on a
  /// non-zero exit.
  @discardableResult
  static func run(_ executable: String, _ arguments: [String]) async throws -> [UInt8] {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
      // A dedicated thread per run: waitUntilExit blocks, and tool runs are few and short.
      Thread.detachNewThread {
        continuation.resume(with: Result { try runBlocking(executable, arguments) })
      }
    }
  }

  private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let errorFile = NSTemporaryDirectory() + "cluster-emulator-tool-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorFile) }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle(forWritingAtPath: errorFile)
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw EmulatorError("\(executable) could not start: \(error)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let stderr = FileManager.default.contents(atPath: errorFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
      throw EmulatorError(stderr.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return [UInt8](data)
  }
}
