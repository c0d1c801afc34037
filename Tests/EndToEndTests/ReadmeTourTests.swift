import Foundation
import TestSupport
import Testing

@Suite("README")
struct ReadmeTourTests {
  @Test("the API tour in README.md runs against a live server and shows what it says")
  func tour() async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let readme = try String(contentsOf: root.appending(path: "README.md"), encoding: .utf8)
    let block = try #require(
      readme.components(separatedBy: "<!-- tour:begin -->").last?.components(separatedBy: "<!-- tour:end -->").first)
    let script = block.replacingOccurrences(of: "```sh", with: "").replacingOccurrences(of: "```", with: "")
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.file("demo"), withIntermediateDirectories: true)
    try "demo-admin admin tour-admin-token-0123456789\n".write(
      toFile: directory.file("demo/tokens"), atomically: true, encoding: .utf8)
    let server = try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:0", "--tokens-file", "demo/tokens", "--database", "demo/podhop.db"],
      directory: directory.path)
    let port = try await server.waitForPort()

    let result = try await Command.run(
      "/bin/bash", ["-euo", "pipefail", "-c", script], directory: directory.path,
      environment: ["PODHOP": "http://127.0.0.1:\(port)"])
    let text = result.text
    #expect(result.status == 0, "\(result.stderr)")
    #expect(text.contains(#""state":"queued""#) && text.contains(#""ticket":"OPS-1""#))
    #expect(text.contains(#""type":"job.created""#) && text.contains("podhop_jobs{state="))
    #expect(text.contains("openapi: 3.1.0"))
    #expect(text.contains(#""action":"migration.created""#) && text.contains(#""actor":"demo-admin""#))
    server.signal(SIGTERM)
    _ = await server.waitForExit()
    directory.remove()
  }
}
