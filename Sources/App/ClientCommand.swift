import Foundation

/// The client subcommands (`migrate`, `preflight`, `jobs`): parse, run against the server, and
/// turn a ``ClientError`` into its message and exit code.
enum ClientCommand {
  /// The options shared by every client subcommand, for the usage texts.
  static let commonUsage = """
    Server and token:
      --server URL            podhop server (default: PODHOP_SERVER, else http://127.0.0.1:8080).
      --token-file PATH       File whose first line is the API token (PODHOP_TOKEN wins if set).
      --help                  Show this text.

    Exit status: 0 on success, 1 when the server refused or the job failed, 2 on a usage error.

    """

  /// Runs `body` and maps its outcome to an exit code; `usage` is printed for `--help` (exit 0).
  static func run(
    _ arguments: [String], usage: String, _ body: () async throws(ClientError) -> Int32
  ) async -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
      print(usage, terminator: "")
      return 0
    }
    do {
      return try await body()
    } catch {
      switch error {
      case .usage(let message):
        report(["\(message)", "(see --help)"])
      case .failed(let lines):
        report(lines)
      }
      return error.exitCode
    }
  }

  /// Writes `lines` to standard error, the first prefixed `podhop: `.
  static func report(_ lines: [String]) {
    guard let first = lines.first else { return }
    let text = (["podhop: \(first)"] + lines.dropFirst()).joined(separator: "\n") + "\n"
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// Parses `NAMESPACE/POD`.
  static func podReference(_ text: String) throws(ClientError) -> (namespace: String, pod: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw .usage("the pod must be given as NAMESPACE/POD, not '\(text)'")
    }
    return (String(parts[0]), String(parts[1]))
  }

  /// Checks that `text` is a job id, so that it can go into a URL path as it is.
  static func jobID(_ text: String) throws(ClientError) -> String {
    guard UUID(uuidString: text) != nil else { throw .usage("'\(text)' is not a job id (a UUID)") }
    return text.lowercased()
  }
}
