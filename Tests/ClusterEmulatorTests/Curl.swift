import ClusterEmulator
import Foundation
import TestSupport

/// One HTTP exchange made with the curl CLI (FoundationNetworking cannot trust a private CA).
struct CurlResponse {
  var status: Int
  var headers: String
  var body: [UInt8]
  var text: String { String(decoding: body, as: UTF8.self) }
  var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }

  /// The value of header `name` (case-insensitive), without surrounding whitespace.
  func header(_ name: String) -> String? {
    for line in headers.split(separator: "\r\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2, parts[0].lowercased() == name.lowercased() {
        return parts[1].trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
  }
}

enum Curl {
  /// `curl METHOD URL` with the CA and bearer token; bounded by `--max-time 30`.
  static func request(
    _ method: String, _ url: String, ca: String? = nil, token: String? = nil, body: String? = nil
  ) async throws -> CurlResponse {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var arguments = [
      "-sS", "--max-time", "30", "-X", method, "-o", directory.file("body"), "-D", directory.file("headers"),
      "-w", "%{http_code}",
    ]
    if let ca { arguments += ["--cacert", ca] }
    if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
    if let body {
      try body.write(toFile: directory.file("request"), atomically: true, encoding: .utf8)
      arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + directory.file("request")]
    }
    let status = try await runTool("/usr/bin/curl", arguments + [url])
    return CurlResponse(
      status: Int(String(decoding: status, as: UTF8.self)) ?? 0,
      headers: (try? String(contentsOfFile: directory.file("headers"), encoding: .utf8)) ?? "",
      body: FileManager.default.contents(atPath: directory.file("body")).map { [UInt8]($0) } ?? [])
  }
}
