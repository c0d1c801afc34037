#if canImport(Glibc)
  import Glibc
  private let systemRead = Glibc.read
#elseif canImport(Darwin)
  import Darwin
  private let systemRead = Darwin.read
#endif

/// A read-only file descriptor with the few operations the archive code needs.
///
/// Ownership: `open(2)` in `init`, `close(2)` in `deinit`; the descriptor never escapes. Use from
/// one thread at a time.
final class ArchiveFile {
  let path: String
  private let descriptor: Int32

  init(path: String) throws(ImageError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ImageError.io("opening", path: path, errno: errno) }
    descriptor = fd
  }

  deinit { close(descriptor) }

  /// The file's size in bytes.
  func size() throws(ImageError) -> Int64 {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw ImageError.io("stat of", path: path, errno: errno) }
    return Int64(info.st_size)
  }

  /// Reads up to `buffer.count` bytes at the current offset; returns 0 only at end of file.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    while true {
      let count = systemRead(descriptor, base, buffer.count)
      if count >= 0 { return count }
      if errno == EINTR { continue }
      throw ImageError.io("reading", path: path, errno: errno)
    }
  }

  /// Fills `buffer` completely; returns `false` if the file ended first (after reading a part).
  func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Bool {
    var filled = 0
    while filled < buffer.count {
      let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
      if count == 0 { return false }
      filled += count
    }
    return true
  }

  /// Moves the read offset to `offset` bytes from the start.
  func seek(to offset: Int64) throws(ImageError) {
    guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
      throw ImageError.io("seeking in", path: path, errno: errno)
    }
  }

  /// Moves the read offset forward by `count` bytes.
  func skip(_ count: Int64) throws(ImageError) {
    guard lseek(descriptor, off_t(count), SEEK_CUR) >= 0 else {
      throw ImageError.io("seeking in", path: path, errno: errno)
    }
  }

  /// Tells the kernel the file will be read once, front to back.
  func adviseSequential() {
    _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
  }
}
