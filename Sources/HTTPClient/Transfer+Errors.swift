internal import CCurl

extension Transfer {
  /// Maps a failed transfer to an `HTTPClientError`. Our own reasons (cancellation, size limit,
  /// a failing body source) win over libcurl's code, which only reflects how the abort surfaced.
  func error(for code: CURLcode, detail: String) -> HTTPClientError {
    if isCancelled { return cancelledError() }
    if exceededLimit {
      return HTTPClientError(
        code: .tooLarge, message: "\(target): the response body exceeds the limit of \(maxResponseBytes) bytes")
    }
    if let sourceFailure {
      return HTTPClientError(code: .send, message: "\(target): the request body source failed: \(sourceFailure)")
    }
    let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    let message = "\(target): \(reason) (curl error \(code.rawValue))"
    return HTTPClientError(code: Self.errorCode(for: code), message: message)
  }

  static func errorCode(for code: CURLcode) -> HTTPClientError.Code {
    switch code {
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
      return .connect
    case CURLE_OPERATION_TIMEDOUT:
      return .timeout
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
      CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
      CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
      CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
      CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
      return .tls
    case CURLE_SEND_ERROR, CURLE_UPLOAD_FAILED, CURLE_READ_ERROR, CURLE_SEND_FAIL_REWIND:
      return .send
    case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WRITE_ERROR,
      CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
      return .receive
    case CURLE_ABORTED_BY_CALLBACK:
      return .cancelled
    case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
      return .invalidRequest
    default:
      return .other
    }
  }
}
