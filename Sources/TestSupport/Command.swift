import Foundation

/// What a command run by `Command.run` did.
public struct CommandResult: Sendable {
  public var status: Int32
  public var stdout: [UInt8]
  public var stderr: String
  /// Standard output as text.
  public var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs external commands for tests on a thread of their own, never on the cooperative pool:
/// a blocked pool thread (there are two here) stalls every async test running beside it.
public enum Command {
  /// Runs `executable` to completion; killed (and the call throws) after `timeout`.
  /// `stdoutPath` sends standard output to a file instead of memory (large outputs).
  public static func run(
    _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String]? = nil,
    standardInput: [UInt8]? = nil, stdoutPath: String? = nil, timeout: Duration = .seconds(300)
  ) async throws -> CommandResult {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CommandResult, any Error>) in
      Thread.detachNewThread {
        continuation.resume(
          with: Result {
            try runBlocking(executable, arguments, directory, environment, standardInput, stdoutPath, timeout)
          })
      }
    }
  }

  private static func runBlocking(
    _ executable: String, _ arguments: [String], _ directory: String?, _ environment: [String: String]?,
    _ standardInput: [UInt8]?, _ stdoutPath: String?, _ timeout: Duration
  ) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    // Files, not pipes, for both outputs: a pipe that nobody drains while waiting can fill and
    // deadlock the child.
    let scratch = NSTemporaryDirectory() + "podhop-command-" + UUID().uuidString
    let outputPath = stdoutPath ?? scratch + ".out"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
    defer {
      try? FileManager.default.removeItem(atPath: scratch + ".err")
      if stdoutPath == nil { try? FileManager.default.removeItem(atPath: outputPath) }
    }
    process.standardOutput = FileHandle(forWritingAtPath: outputPath)
    process.standardError = FileHandle(forWritingAtPath: scratch + ".err")
    let input = Pipe()
    process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
    try process.run()
    if let standardInput {
      input.fileHandleForWriting.write(Data(standardInput))
      try? input.fileHandleForWriting.close()
    }
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      if ContinuousClock.now > deadline {
        process.terminate()
        process.waitUntilExit()
        throw ToolError(description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
      }
      Thread.sleep(forTimeInterval: 0.005)
    }
    let stderr = FileManager.default.contents(atPath: scratch + ".err").map { String(decoding: $0, as: UTF8.self) } ?? ""
    let stdout = stdoutPath == nil ? [UInt8](FileManager.default.contents(atPath: outputPath) ?? Data()) : []
    return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
  }
}
