/// Where a streamed response's producer writes its body (see `HTTPResponse.init(status:headers:stream:)`).
///
/// Writes are buffered and sent by libmicrohttpd as chunks as soon as the connection can take
/// them. `write` never waits (small pieces as they happen: events, heartbeats); `send` waits
/// while the buffer is full, for bulk data (exports), so memory stays bounded.
public final class HTTPBodyWriter: Sendable {
  let stream: ResponseStream

  init(_ stream: ResponseStream) { self.stream = stream }

  /// Queues `bytes` for sending; false once the stream is closed (the client went away or the
  /// server is shutting down), after which the producer should return.
  @discardableResult
  public func write(_ bytes: [UInt8]) -> Bool { stream.write(bytes) }

  /// Queues `bytes` and waits until the client has taken most of what is buffered; false once
  /// the stream is closed, after which the producer should return.
  @discardableResult
  public func send(_ bytes: [UInt8]) async -> Bool { await stream.send(bytes) }

  /// Whether writes are still accepted.
  public var isOpen: Bool { stream.isOpen }
}
