import Foundation
import Synchronization

/// The `cluster-emulator` binary started as a child process for tests: it exits by itself if the
/// test runner dies (`--parent-pid`), and its ports are read from the JSON line it prints.
public final class EmulatorProcess: Sendable {
  /// The `cluster-emulator` executable next to the running test bundle.
  public static var executable: String {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return testBinary.deletingLastPathComponent().appending(path: "cluster-emulator").path
  }

  private let process: Process
  /// The API server's HTTPS port.
  public let apiPort: UInt16
  /// The admin API's plain-HTTP port.
  public let adminPort: UInt16
  /// Each node's kubelet HTTPS port.
  public let kubeletPorts: [String: UInt16]

  /// Starts `cluster-emulator --scenario SCENARIO --listen 127.0.0.1:0 ARGUMENTS` and waits
  /// (bounded) for its ports line.
  public init(scenario: String, arguments: [String] = [], timeout: Duration = .seconds(30)) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments =
      ["--scenario", scenario, "--listen", "127.0.0.1:0", "--parent-pid", String(getpid())] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    try process.run()
    self.process = process
    let line = try await Self.readLine(output.fileHandleForReading, process: process, timeout: timeout)
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let api = object["api"] as? Int, let admin = object["admin"] as? Int
    else {
      process.terminate()
      throw ToolError(description: "cluster-emulator printed no ports line: \(line)")
    }
    apiPort = UInt16(api)
    adminPort = UInt16(admin)
    kubeletPorts = ((object["kubelets"] as? [String: Int]) ?? [:]).mapValues { UInt16($0) }
  }

  /// Sends SIGTERM and waits (bounded) for the exit status.
  public func stop(timeout: Duration = .seconds(10)) async -> Int32? {
    if process.isRunning { process.terminate() }
    let exited = await eventually(timeout: timeout) { !process.isRunning }
    return exited ? process.terminationStatus : nil
  }

  deinit { if process.isRunning { process.terminate() } }

  /// Reads the first line; if none arrives within `timeout`, terminates the process, which
  /// closes the pipe and ends the read.
  private static func readLine(_ handle: FileHandle, process: Process, timeout: Duration) async throws -> String {
    let seconds = Double(timeout.components.seconds)
    let done = Flag()
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
      if !done.value.load(ordering: .acquiring), process.isRunning { process.terminate() }
    }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
      // availableData blocks: read on a thread of its own.
      Thread.detachNewThread {
        var bytes = Data()
        while !bytes.contains(UInt8(ascii: "\n")) {
          let chunk = handle.availableData
          if chunk.isEmpty { break }
          bytes.append(chunk)
        }
        done.value.store(true, ordering: .releasing)
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty {
          continuation.resume(throwing: ToolError(description: "cluster-emulator exited or timed out before printing its ports"))
        } else {
          continuation.resume(returning: line)
        }
      }
    }
  }
}

/// A flag shared between the reader thread and the timeout.
private final class Flag: Sendable {
  let value = Atomic<Bool>(false)
}
