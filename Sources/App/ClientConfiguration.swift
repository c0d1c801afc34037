import Foundation

/// Where the client subcommands find the server and which token they send.
///
/// The server comes from `--server URL`, else `PODHOP_SERVER`, else `http://127.0.0.1:8080`. The
/// token comes from `PODHOP_TOKEN`, else the first line of `--token-file PATH`; there is
/// deliberately no option that takes the token itself, since command lines are visible to every
/// user of the machine (`ps`) and end up in shell history.
struct ClientConfiguration: Sendable {
  /// The options every client subcommand accepts.
  static let options: Set<String> = ["--server", "--token-file"]
  /// The default server address.
  static let defaultServer = "http://127.0.0.1:8080"

  /// The server's base URL, without a trailing slash.
  let server: String
  /// The bearer token (never printed).
  let token: String

  /// Reads the configuration from parsed arguments and the environment.
  init(_ arguments: ClientArguments, environment: [String: String]) throws(ClientError) {
    let server =
      arguments.value("--server") ?? environment["PODHOP_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultServer
    guard server.hasPrefix("http://") || server.hasPrefix("https://"), URL(string: server)?.host != nil else {
      throw .usage("the server address must be an http:// or https:// URL, not '\(server)'")
    }
    self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
    if let token = environment["PODHOP_TOKEN"], !token.isEmpty {
      self.token = token.trimmingCharacters(in: .whitespacesAndNewlines)
    } else if let path = arguments.value("--token-file") {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw .usage("--token-file: cannot read \(path)")
      }
      let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
      let token = first.trimmingCharacters(in: .whitespaces)
      guard !token.isEmpty else { throw .usage("--token-file: the first line of \(path) is empty") }
      self.token = token
    } else {
      throw .usage("no API token: set PODHOP_TOKEN or pass --token-file PATH (a file whose first line is the token)")
    }
  }
}
