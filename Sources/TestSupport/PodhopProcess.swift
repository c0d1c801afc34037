import Foundation
import Synchronization

/// The real `podhop` binary started as a child process, for end-to-end tests: its stderr is
/// collected (JSON log lines) and its port read from the "server listening" line.
public final class PodhopProcess: Sendable {
  /// The `podhop` executable next to the running test bundle.
  public static var executable: String {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return testBinary.deletingLastPathComponent().appending(path: "podhop").path
  }

  private let process: Process
  /// Filled by the pipe's reader thread, read by tests.
  private final class Lines: Sendable { let value = Mutex<[String]>([]) }
  private let stderrLines = Lines()
  public let pid: Int32

  /// Starts `podhop ARGUMENTS` in `directory`.
  public init(_ arguments: [String], directory: String, environment: [String: String] = [:]) throws {
    process = Process()
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let errorPipe = Pipe()
    process.standardError = errorPipe
    process.standardOutput = FileHandle.nullDevice
    let lines = stderrLines
    errorPipe.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      guard !data.isEmpty else { handle.readabilityHandler = nil; return }
      let text = String(decoding: data, as: UTF8.self)
      lines.value.withLock { $0.append(contentsOf: text.split(separator: "\n").map(String.init)) }
    }
    try process.run()
    pid = process.processIdentifier
  }

  /// Everything written to stderr so far.
  public var log: [String] { stderrLines.value.withLock { $0 } }

  /// Waits (bounded) for the "server listening" log line and returns the port.
  public func waitForPort(timeout: Duration = .seconds(20)) async throws -> UInt16 {
    var port: UInt16?
    _ = await eventually(timeout: timeout) {
      port = log.lazy.compactMap(Self.listeningPort).first
      return port != nil || !process.isRunning
    }
    guard let port else { throw RawHTTPClientError(description: "podhop did not start listening: \(log.suffix(5))") }
    return port
  }

  private static func listeningPort(_ line: String) -> UInt16? {
    guard line.contains("\"server listening\""),
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
      let address = object["address"], let port = address.split(separator: ":").last
    else { return nil }
    return UInt16(port)
  }

  /// Sends `signal` (SIGTERM, SIGKILL, …).
  public func signal(_ signal: Int32) { kill(pid, signal) }

  /// Waits (bounded) for the process to exit; returns its status, or nil if it is still running.
  public func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
    let exited = await eventually(timeout: timeout) { !process.isRunning }
    return exited ? process.terminationStatus : nil
  }

  deinit { if process.isRunning { kill(pid, SIGKILL) } }
}
