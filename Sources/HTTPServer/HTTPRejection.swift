/// Why the server answered a request itself, before the application saw its body.
///
/// The `rejection` closure given to `HTTPServer` turns one of these into the
/// response (typically 413 or 400 with the service's error format).
public enum HTTPRejection: Sendable, Equatable {
  /// The declared or received body exceeds `limit` bytes.
  ///
  /// For a declared `Content-Length` the answer goes out before any body byte
  /// is read (no `100 Continue`) and the connection is closed. For a chunked
  /// upload the running total is checked per chunk; once it passes the limit,
  /// the rest of the body is read and dropped and the answer goes out when
  /// the body ends (libmicrohttpd 0.9.75 cannot queue a response mid-body). A
  /// body that keeps coming for more than max(limit, 64 KiB) further bytes is
  /// cut off by closing the connection, without an answer.
  case bodyTooLarge(limit: Int)
  /// The request carries both `Content-Length` and `Transfer-Encoding`, a
  /// request-smuggling vector when a proxy sits in front; the connection is closed.
  case conflictingLengthHeaders
  /// The path or a query argument is not UTF-8 once percent-decoded, or holds a NUL byte; the
  /// reason says which. Answered before the body is read.
  case malformedRequest(String)
}
