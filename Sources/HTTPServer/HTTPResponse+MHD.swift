import CMicroHTTPD

extension HTTPResponse {
  /// Queues this response on `connection`; must run inside MHD's access handler.
  ///
  /// MHD copies the body (`RESPMEM_MUST_COPY`), so the Swift array may go away
  /// right after. The `MHD_Response` is reference-counted: queueing takes MHD's
  /// own reference, and ours is dropped by `MHD_destroy_response` before return.
  func queue(on connection: ConnectionHandle) -> MHD_Result {
    let created = body.withUnsafeBytes { bytes in
      MHD_create_response_from_buffer(
        bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let response = created else { return .NO }
    defer { MHD_destroy_response(response) }
    for field in headers.pairs where !HTTPHeaders.equalNames(field.name, "Content-Length") {
      // MHD refuses fields containing CR or LF; such a field is dropped rather than sent.
      _ = MHD_add_response_header(response, field.name, field.value)
    }
    let code = (100...999).contains(status) ? status : 500
    return MHD_queue_response(connection.raw, UInt32(code), response)
  }
}
