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

    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/bash")
    shell.arguments = ["-euo", "pipefail", "-c", script]
    shell.currentDirectoryURL = URL(fileURLWithPath: directory.path)
    shell.environment = ProcessInfo.processInfo.environment.merging(["PODHOP": "http://127.0.0.1:\(port)"]) { $1 }
    let output = Pipe()
    shell.standardOutput = output
    try shell.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    shell.waitUntilExit()
    #expect(shell.terminationStatus == 0)
    #expect(text.contains(#""state":"queued""#) && text.contains(#""ticket":"OPS-1""#))
    #expect(text.contains(#""type":"job.created""#) && text.contains("podhop_jobs{state="))
    #expect(text.contains("openapi: 3.1.0"))
    server.signal(SIGTERM)
    _ = await server.waitForExit()
    directory.remove()
  }
}
