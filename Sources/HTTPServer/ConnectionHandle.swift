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

  /// Builds the request head (body empty) from what MHD parsed.
  func requestHead(method: String, path: String) -> HTTPRequest {
    HTTPRequest(
      method: method,
      path: path,
      query: values(of: .GET_ARGUMENT_KIND),
      headers: HTTPHeaders(values(of: .HEADER_KIND).map { ($0.name, $0.value) }),
      body: [],
      remoteAddress: remoteAddress())
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

  /// Every (name, value) of one kind, in the order MHD stored them.
  ///
  /// The key and value pointers belong to MHD's per-connection pool and are
  /// copied into Swift strings inside the iterator.
  private func values(of kind: MHD_ValueKind) -> [(name: String, value: String)] {
    var collected: [(name: String, value: String)] = []
    withUnsafeMutablePointer(to: &collected) { pointer in
      _ = MHD_get_connection_values(
        raw, kind,
        { context, _, key, value in
          guard let context, let key else { return .YES }
          let list = context.assumingMemoryBound(to: [(name: String, value: String)].self)
          list.pointee.append(
            (name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
          return .YES
        }, pointer)
    }
    return collected
  }
}
