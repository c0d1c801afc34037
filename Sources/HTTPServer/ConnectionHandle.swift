import CMicroHTTPD

/// A `struct MHD_Connection *` borrowed from libmicrohttpd.
///
/// MHD owns the connection and frees it after `NOTIFY_COMPLETED`; this handle
/// never frees anything. It is valid from the first access-handler call for a
/// request until MHD reports that request completed.
///
/// `@unchecked Sendable` because `OpaquePointer` is not `Sendable`: the handle
/// crosses to the handler's `Task` only so that task can call
/// `MHD_resume_connection`, which MHD documents as callable from any thread, and
/// `RequestState` allows that call only while the connection is suspended (so
/// MHD cannot have freed it). Everything else here runs on MHD's own threads,
/// inside its callbacks.
struct ConnectionHandle: @unchecked Sendable {
  let raw: OpaquePointer

  /// Builds the request head (body empty) from what MHD parsed, and names the part that cannot
  /// be represented faithfully: a path or query argument that is not UTF-8 once percent-decoded,
  /// or holds a NUL byte (a C string would silently cut it short; `podhop_unescape` turns %00
  /// into an invalid UTF-8 byte so that it is caught here).
  func requestHead(method: String, path rawPath: UnsafePointer<CChar>?) -> (head: HTTPRequest, malformed: String?) {
    var malformed: String?
    let path = rawPath.map { String(validatingCString: $0) } ?? "/"
    if path == nil { malformed = "the path is not valid UTF-8 or holds a NUL byte" }
    let query = values(of: .GET_ARGUMENT_KIND)
    if malformed == nil, query.malformed { malformed = "a query argument holds a NUL byte or is not valid UTF-8" }
    // Header values may hold any octet (RFC 9110 obs-text); only query and path must be UTF-8.
    let headers = values(of: .HEADER_KIND)
    let head = HTTPRequest(
      method: method,
      path: path ?? rawPath.map { String(cString: $0) } ?? "/",
      query: query.values,
      headers: HTTPHeaders(headers.values.map { ($0.name, $0.value) }),
      body: [],
      remoteAddress: remoteAddress())
    return (head, malformed)
  }

  /// The peer's numeric address via `MHD_get_connection_info(CLIENT_ADDRESS)`.
  func remoteAddress() -> String {
    // INET6_ADDRSTRLEN is 46; the buffer is ours and lives only for this call.
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
      guard podhop_connection_client_address(raw, buffer.baseAddress, buffer.count) == 0 else {
        return ""
      }
      return String(cString: buffer.baseAddress!)
    }
  }

  func suspend() { MHD_suspend_connection(raw) }

  func resume() { MHD_resume_connection(raw) }

  /// What `values(of:)` collected, and whether any key or value was not faithful UTF-8 text.
  private struct Values {
    var values: [(name: String, value: String)] = []
    var malformed = false
  }

  /// Every (name, value) of one kind, in the order MHD stored them.
  ///
  /// The key and value pointers (with their lengths) belong to MHD's per-connection pool and
  /// are copied into Swift strings inside the iterator, invalid UTF-8 repaired with U+FFFD. A NUL
  /// byte or invalid UTF-8 marks the result malformed.
  private func values(of kind: MHD_ValueKind) -> Values {
    var collected = Values()
    withUnsafeMutablePointer(to: &collected) { pointer in
      _ = MHD_get_connection_values_n(
        raw, kind,
        { context, _, key, keySize, value, valueSize in
          guard let context, let key else { return .YES }
          let list = context.assumingMemoryBound(to: Values.self)
          let name = UnsafeRawBufferPointer(start: key, count: keySize)
          let text =
            value.map { UnsafeRawBufferPointer(start: $0, count: valueSize) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
          if name.contains(0) || text.contains(0) || String(validating: name, as: UTF8.self) == nil
            || String(validating: text, as: UTF8.self) == nil
          {
            list.pointee.malformed = true
          }
          list.pointee.values.append((name: String(decoding: name, as: UTF8.self), value: String(decoding: text, as: UTF8.self)))
          return .YES
        }, pointer)
    }
    return collected
  }
}
