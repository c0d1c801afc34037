#if canImport(Glibc)
  import Glibc
#endif

/// Writes an uncompressed POSIX ustar archive (entries owned by root:root, no `./` prefix), to
/// a file or into memory, the way Go's `archive/tar` writes checkpoint archives.
///
/// Not thread-safe; one writer per archive, used on one thread.
final class TarWriter {
  private let descriptor: Int32
  private var buffer: [UInt8] = []
  /// The archive bytes when writing into memory.
  private(set) var memory: [UInt8] = []
  private(set) var bytesWritten = 0
  private static let flushSize = 1 << 20

  /// Creates (or truncates) `path` with `mode`, whatever the umask.
  init(path: String, mode: mode_t) throws {
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw EmulatorError("cannot create \(path): \(String(cString: strerror(errno)))") }
    fchmod(descriptor, mode)
  }

  /// Writes into `memory`.
  init() {
    descriptor = -1
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  func directory(_ name: String, mode: Int, mtime: Int) throws {
    try header(name.hasSuffix("/") ? name : name + "/", mode: mode, size: 0, mtime: mtime, type: UInt8(ascii: "5"))
  }

  func file(_ name: String, mode: Int, mtime: Int, contents: [UInt8]) throws {
    try header(name, mode: mode, size: contents.count, mtime: mtime, type: UInt8(ascii: "0"))
    try append(contents)
    try pad(contents.count)
  }

  /// A file of `size` bytes produced in chunks: `fill(offset, count)` returns the next bytes.
  func file(_ name: String, mode: Int, mtime: Int, size: Int, fill: (_ offset: Int, _ count: Int) -> [UInt8]) throws {
    try header(name, mode: mode, size: size, mtime: mtime, type: UInt8(ascii: "0"))
    var offset = 0
    while offset < size {
      let count = min(1 << 20, size - offset)
      try append(fill(offset, count))
      offset += count
    }
    try pad(size)
  }

  /// Writes the two zero end blocks and flushes.
  func finish() throws {
    try append([UInt8](repeating: 0, count: 1024))
    try flush()
    if descriptor >= 0 && fsync(descriptor) != 0 {
      throw EmulatorError("fsync failed: \(String(cString: strerror(errno)))")
    }
  }

  private func header(_ name: String, mode: Int, size: Int, mtime: Int, type: UInt8) throws {
    precondition(name.utf8.count <= 100, "tar entry names of the checkpoint layout fit in 100 bytes")
    var block = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) {
      for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte }
    }
    func octal(_ value: Int, width: Int) -> String {
      let digits = String(value, radix: 8)
      return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    }
    put(name, at: 0)
    put(octal(mode, width: 8), at: 100)
    put(octal(0, width: 8), at: 108)
    put(octal(0, width: 8), at: 116)
    put(octal(size, width: 12), at: 124)
    put(octal(mtime, width: 12), at: 136)
    put("        ", at: 148)
    block[156] = type
    put("ustar\0", at: 257)
    put("00", at: 263)
    put("root", at: 265)
    put("root", at: 297)
    let checksum = block.reduce(0) { $0 + Int($1) }
    put(octal(checksum, width: 7) + "\0", at: 148)
    block[155] = 0x20
    try append(block)
  }

  private func pad(_ size: Int) throws {
    let remainder = size % 512
    if remainder != 0 { try append([UInt8](repeating: 0, count: 512 - remainder)) }
  }

  private func append(_ bytes: [UInt8]) throws {
    bytesWritten += bytes.count
    if descriptor < 0 {
      memory.append(contentsOf: bytes)
      return
    }
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushSize { try flush() }
  }

  private func flush() throws {
    guard descriptor >= 0, !buffer.isEmpty else { return }
    var offset = 0
    while offset < buffer.count {
      let written = buffer[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw EmulatorError("write failed: \(String(cString: strerror(errno)))")
      }
      offset += written
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
