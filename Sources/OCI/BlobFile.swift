#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
#endif

/// A blob being written under a temporary name, renamed into place by ``commit(to:)``.
///
/// Ownership: the descriptor is opened in `init` and closed by `commit` or `deinit`; a blob that
/// was never committed is unlinked in `deinit`, so a failed or cancelled write leaves nothing
/// behind. Use from one thread at a time.
final class BlobFile {
  let temporaryPath: String
  private var descriptor: Int32
  private var committed = false

  init(directory: String) throws(ImageError) {
    var template = Array((directory + "/.podhop-blob-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw ImageError.io("creating a temporary file in", path: directory, errno: errno) }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    descriptor = fd
    temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
    if !committed { unlink(temporaryPath) }
  }

  /// Appends all of `bytes`.
  func write(_ bytes: UnsafeRawBufferPointer) throws(ImageError) {
    var written = 0
    while written < bytes.count {
      let count = systemWrite(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if count < 0 {
        if errno == EINTR { continue }
        throw ImageError.io("writing", path: temporaryPath, errno: errno)
      }
      written += count
    }
  }

  /// Appends all of `bytes`.
  func write(_ bytes: [UInt8]) throws(ImageError) {
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(ImageError) in try write(buffer) }
    }
    try result.get()
  }

  /// Closes the file (0644) and renames it to `path`, replacing any file there.
  func commit(to path: String) throws(ImageError) {
    // mkostemp creates 0600; blobs are public content, readable like any OCI layout's.
    _ = fchmod(descriptor, 0o644)
    let status = close(descriptor)
    descriptor = -1
    guard status == 0 else { throw ImageError.io("closing", path: temporaryPath, errno: errno) }
    guard rename(temporaryPath, path) == 0 else { throw ImageError.io("renaming a blob to", path: path, errno: errno) }
    committed = true
  }
}
