/// Where a streamed response's producer writes its body (see `HTTPResponse.init(status:headers:stream:)`).
///
/// Writes are buffered and sent by libmicrohttpd as chunks as soon as the connection can take
/// them. The buffer is not bounded: producers write small pieces as they happen (events,
/// heartbeats), not bulk data.
public final class HTTPBodyWriter: Sendable {
  let stream: ResponseStream

  init(_ stream: ResponseStream) { self.stream = stream }

  /// Queues `bytes` for sending; false once the stream is closed (the client went away or the
  /// server is shutting down), after which the producer should return.
  @discardableResult
  public func write(_ bytes: [UInt8]) -> Bool { stream.write(bytes) }

  /// Whether writes are still accepted.
  public var isOpen: Bool { stream.isOpen }
}
