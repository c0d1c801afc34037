import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The `cluster-emulator` command line.
///
/// ```
/// cluster-emulator --scenario FILE [--listen HOST:PORT] [--state-directory DIR]
///                  [--write-kubeconfig PATH] [--kubeconfig-user NAME] [--parent-pid PID]
/// ```
/// Prints `{"api":PORT,"admin":PORT,"kubelets":{"node":PORT}}` as one line on stdout once
/// serving, then runs until SIGTERM/SIGINT (or until `--parent-pid` exits).
public enum EmulatorCommand {
  /// Parses `arguments` (without the program name), runs, and returns the exit status.
  public static func run(arguments: [String]) async -> Int32 {
    var options: [String: String] = [:]
    var index = 0
    let known = ["--scenario", "--listen", "--state-directory", "--write-kubeconfig", "--kubeconfig-user", "--parent-pid"]
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--help" || argument == "-h" {
        print(usage)
        return 0
      }
      guard known.contains(argument), index + 1 < arguments.count else {
        FileHandle.standardError.write(Data("cluster-emulator: unexpected argument \(argument)\n\(usage)\n".utf8))
        return 2
      }
      options[argument] = arguments[index + 1]
      index += 2
    }
    guard let path = options["--scenario"] else {
      FileHandle.standardError.write(Data("cluster-emulator: --scenario is required\n\(usage)\n".utf8))
      return 2
    }
    do {
      var scenario = try Scenario(contentsOf: path)
      if let listen = options["--listen"] {
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
          throw EmulatorError("--listen expects HOST:PORT, got \(listen)")
        }
        scenario.host = String(listen[..<colon])
        scenario.apiPort = port
      }
      if let directory = options["--state-directory"] { scenario.stateDirectory = directory }
      let emulator = ClusterEmulator(scenario: scenario)
      try await emulator.start()
      if let kubeconfigPath = options["--write-kubeconfig"] {
        try emulator.kubeconfig(user: options["--kubeconfig-user"])
          .write(toFile: kubeconfigPath, atomically: true, encoding: .utf8)
        chmod(kubeconfigPath, 0o600)
      }
      // Unbuffered, so a parent reading the pipe sees the line at once.
      FileHandle.standardOutput.write(Data((emulator.portsLine + "\n").utf8))
      await waitForTermination(parent: options["--parent-pid"].flatMap { Int32($0) })
      await emulator.stop()
      return 0
    } catch {
      FileHandle.standardError.write(Data("cluster-emulator: \(error)\n".utf8))
      return 1
    }
  }

  static let usage = """
    usage: cluster-emulator --scenario FILE [--listen HOST:PORT] [--state-directory DIR]
                            [--write-kubeconfig PATH] [--kubeconfig-user NAME] [--parent-pid PID]
    """

  /// Returns on SIGTERM or SIGINT, or when process `parent` no longer exists.
  private static func waitForTermination(parent: Int32?) async {
    let queue = DispatchQueue(label: "cluster-emulator.signals")
    let once = Once()
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      var sources: [any DispatchSourceProtocol] = []
      for number in [SIGTERM, SIGINT] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { if once.claim() { continuation.resume() } }
        source.resume()
        sources.append(source)
      }
      if let parent {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        timer.setEventHandler {
          if kill(parent, 0) != 0 && errno == ESRCH && once.claim() { continuation.resume() }
        }
        timer.resume()
        sources.append(timer)
      }
      // The sources must outlive this call and live until the process exits: leak them on purpose.
      _ = Unmanaged.passRetained(SourceBox(sources))
    }
  }
}

/// Keeps dispatch sources alive for the process's lifetime.
private final class SourceBox: @unchecked Sendable {
  let sources: [any DispatchSourceProtocol]
  init(_ sources: [any DispatchSourceProtocol]) { self.sources = sources }
}

/// A flag that can be claimed once, from any thread.
private final class Once: Sendable {
  private let claimed = Atomic<Bool>(false)
  func claim() -> Bool { !claimed.exchange(true, ordering: .acquiringAndReleasing) }
}
