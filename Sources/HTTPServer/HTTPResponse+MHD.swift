import CMicroHTTPD

extension HTTPResponse {
  /// Queues this response on `connection`; must run inside MHD's access handler.
  ///
  /// MHD copies the body (`RESPMEM_MUST_COPY`), so the Swift array may go away
  /// right after. The `MHD_Response` is reference-counted: queueing takes MHD's
  /// own reference, and ours is dropped by `MHD_destroy_response` before return.
  /// A streamed response is registered with `core` (refused with 503 once the
  /// server is stopping) and its producer started once the head is queued.
  func queue(on connection: ConnectionHandle, core: ServerCore) -> MHD_Result {
    if let producer = stream { return queueStream(producer, on: connection, core: core) }
    let created = body.withUnsafeBytes { bytes in
      MHD_create_response_from_buffer(
        bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let response = created else { return .NO }
    defer { MHD_destroy_response(response) }
    return send(response, on: connection)
  }

  private func queueStream(
    _ producer: @escaping @Sendable (HTTPBodyWriter) async -> Void, on connection: ConnectionHandle, core: ServerCore
  ) -> MHD_Result {
    let stream = ResponseStream(connection: connection) { core.unregister($0) }
    guard core.register(stream) else { return HTTPResponse.serviceUnavailable.queue(on: connection, core: core) }
    // +1 owned by MHD's response, released by streamReaderFree when MHD destroys it.
    let context = Unmanaged.passRetained(stream)
    let reader: MHD_ContentReaderCallback = streamReader
    let free: MHD_ContentReaderFreeCallback = streamReaderFree
    // UInt64.max is MHD_SIZE_UNKNOWN: the body goes out chunked.
    guard let response = MHD_create_response_from_callback(UInt64.max, 16 * 1024, reader, context.toOpaque(), free) else {
      context.release()
      core.unregister(stream)
      return .NO
    }
    defer { MHD_destroy_response(response) }  // if queueing failed, this frees the stream
    let result = send(response, on: connection)
    guard result == .YES else { return result }
    let writer = HTTPBodyWriter(stream)
    // Unstructured on purpose: MHD's thread cannot await. Nobody awaits this task; it ends by
    // finishing the stream, and `ResponseStream.close`/`released` cancel it if the stream
    // ends first.
    let task = Task {
      await producer(writer)
      stream.finish()
    }
    stream.attach(task)
    return result
  }

  private func send(_ response: OpaquePointer, on connection: ConnectionHandle) -> MHD_Result {
    for field in headers.pairs where !HTTPHeaders.equalNames(field.name, "Content-Length") {
      // MHD refuses fields containing CR or LF; such a field is dropped rather than sent.
      _ = MHD_add_response_header(response, field.name, field.value)
    }
    let code = (100...999).contains(status) ? status : 500
    return MHD_queue_response(connection.raw, UInt32(code), response)
  }
}
