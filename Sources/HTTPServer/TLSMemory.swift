#if canImport(Glibc)
  import Glibc
#endif

/// NUL-terminated C copies of `TLSCredentials`, for `MHD_OPTION_HTTPS_MEM_CERT` / `_KEY`.
///
/// Ownership: this object allocates both buffers and frees them in `deinit`. MHD only
/// borrows the pointers, and its documentation does not promise to copy them, so the
/// `DaemonHandle` holds this object for the daemon's whole life; `HTTPServer.shutdown`
/// drops its last handle only after `MHD_stop_daemon` has returned. The key buffer is
/// zeroed before it is freed.
///
/// `@unchecked Sendable`: the pointers are written once in `init` and only read (by MHD)
/// afterwards.
final class TLSMemory: @unchecked Sendable {
  let certificate: UnsafeMutablePointer<CChar>
  let key: UnsafeMutablePointer<CChar>
  private let keyCount: Int

  init(_ credentials: TLSCredentials) {
    certificate = Self.cString(credentials.certificatePEM)
    key = Self.cString(credentials.privateKeyPEM)
    keyCount = credentials.privateKeyPEM.count + 1
  }

  deinit {
    memset(key, 0, keyCount)
    certificate.deallocate()
    key.deallocate()
  }

  private static func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
    bytes.withUnsafeBufferPointer { source in
      for index in 0..<source.count { buffer[index] = CChar(bitPattern: source[index]) }
    }
    buffer[bytes.count] = 0
    return buffer
  }
}
