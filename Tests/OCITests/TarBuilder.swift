import Foundation

/// Writes ustar archives byte by byte, so tests can make entries the `tar` CLI refuses to create
/// (absolute paths, `..`, devices) and very large files without staging them on disk.
final class TarBuilder {
  enum Content {
    case bytes([UInt8])
    case zeros(Int)
    /// `count` bytes from /dev/urandom.
    case random(Int)

    var count: Int {
      switch self {
      case .bytes(let bytes): bytes.count
      case .zeros(let count), .random(let count): count
      }
    }
  }

  private let handle: FileHandle
  let path: String

  init(path: String) throws {
    self.path = path
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
  }

  func file(_ name: String, _ content: Content = .bytes([])) throws {
    try header(name: name, type: "0", size: content.count)
    try write(content)
    let padding = (512 - content.count % 512) % 512
    try handle.write(contentsOf: Data(count: padding))
  }

  func file(_ name: String, text: String) throws { try file(name, .bytes(Array(text.utf8))) }

  func directory(_ name: String) throws { try header(name: name, type: "5", size: 0, mode: 0o755) }

  func symlink(_ name: String, to target: String) throws { try header(name: name, type: "2", size: 0, link: target) }

  func hardLink(_ name: String, to target: String) throws { try header(name: name, type: "1", size: 0, link: target) }

  func special(_ name: String, type: Character) throws { try header(name: name, type: type, size: 0) }

  /// The minimal files a checkpoint archive needs, so that only the entry under test is wrong.
  func checkpointBasics() throws {
    try file("config.dump", text: #"{"name":"k8s_app_web-0_shop_0d9c_0","rootfsImageName":"docker.io/library/nginx:latest"}"#)
    try file("spec.dump", text: #"{"annotations":{"io.kubernetes.container.name":"app"}}"#)
    try directory("checkpoint/")
    try file("checkpoint/inventory.img", .bytes([1, 2, 3]))
  }

  func finish() throws {
    try handle.write(contentsOf: Data(count: 1024))
    try handle.close()
  }

  /// Appends raw bytes (for corrupting archives on purpose).
  func raw(_ bytes: [UInt8]) throws { try handle.write(contentsOf: Data(bytes)) }

  private func write(_ content: Content) throws {
    switch content {
    case .bytes(let bytes): try handle.write(contentsOf: Data(bytes))
    case .zeros(let count):
      let chunk = Data(count: 1 << 20)
      var left = count
      while left > 0 {
        try handle.write(contentsOf: chunk.prefix(min(left, chunk.count)))
        left -= min(left, chunk.count)
      }
    case .random(let count):
      let source = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
      defer { try? source.close() }
      var left = count
      while left > 0 {
        let chunk = try source.read(upToCount: min(left, 1 << 20)) ?? Data()
        try handle.write(contentsOf: chunk)
        left -= chunk.count
      }
    }
  }

  private func header(name: String, type: Character, size: Int, link: String = "", mode: Int = 0o644) throws {
    var block = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, _ offset: Int, _ length: Int) {
      let bytes = Array(text.utf8)
      precondition(bytes.count <= length, "field too long for a ustar header: \(text)")
      block.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }
    func octal(_ value: Int, _ offset: Int, _ length: Int) {
      let digits = String(value, radix: 8)
      put(String(repeating: "0", count: length - 1 - digits.count) + digits, offset, length - 1)
    }
    put(name, 0, 100)
    octal(mode, 100, 8)
    octal(0, 108, 8)
    octal(0, 116, 8)
    octal(size, 124, 12)
    octal(1_700_000_000, 136, 12)
    put("        ", 148, 8)
    block[156] = type.asciiValue!
    put(link, 157, 100)
    put("ustar", 257, 6)
    put("00", 263, 2)
    put("root", 265, 32)
    put("root", 297, 32)
    let sum = block.reduce(0) { $0 + Int($1) }
    let digits = String(sum, radix: 8)
    put(String(repeating: "0", count: 6 - digits.count) + digits, 148, 6)
    block[154] = 0
    block[155] = UInt8(ascii: " ")
    try handle.write(contentsOf: Data(block))
  }
}
