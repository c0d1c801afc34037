import Foundation

/// Writes small tar archives for tests with Python's `tarfile` (GNU format, mode 0600 files,
/// 0700 directories, entries exactly as named — including unsafe names such as `../escape`).
public enum TarFixture {
  /// One entry: a directory (nil contents) or a file.
  public struct Entry: Sendable {
    public var name: String
    public var contents: [UInt8]?

    public static func file(_ name: String, _ contents: [UInt8]) -> Entry { Entry(name: name, contents: contents) }
    public static func file(_ name: String, _ text: String) -> Entry { Entry(name: name, contents: Array(text.utf8)) }
    public static func directory(_ name: String) -> Entry { Entry(name: name, contents: nil) }
  }

  /// Writes `entries`, in order, to a tar at `path`.
  public static func write(_ entries: [Entry], to path: String) async throws {
    let script = """
      import base64, io, json, sys, tarfile
      with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
          for name, data in json.loads(sys.stdin.read()):
              info = tarfile.TarInfo(name)
              if data is None:
                  info.type = tarfile.DIRTYPE; info.mode = 0o700; t.addfile(info)
              else:
                  raw = base64.b64decode(data); info.size = len(raw); info.mode = 0o600
                  t.addfile(info, io.BytesIO(raw))
      """
    let listing: [[Any]] = entries.map { [$0.name, $0.contents.map { Data($0).base64EncodedString() as Any } ?? NSNull()] }
    let input = try JSONSerialization.data(withJSONObject: listing)
    try await runTool("/usr/bin/python3", ["-c", script, path], standardInput: Array(input))
  }
}
