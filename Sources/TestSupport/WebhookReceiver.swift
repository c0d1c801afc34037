import Foundation
import HTTPServer
import Synchronization

/// A subscriber endpoint on 127.0.0.1 for notification tests: answers each POST with the next
/// status of `statuses` (the last one repeats) and keeps every request it received.
public final class WebhookReceiver: Sendable {
  let server: HTTPServer
  let received = Received()

  final class Received: Sendable {
    let list = Mutex<[HTTPRequest]>([])
  }

  /// The URL to subscribe.
  public var url: String { "http://127.0.0.1:\(server.port)/hook" }

  /// Starts listening on an ephemeral port (or `port`, to come back where a subscription points).
  public init(statuses: [Int], port: UInt16 = 0) throws {
    let received = self.received
    var configuration = HTTPServerConfiguration()
    configuration.port = port
    server = HTTPServer(
      configuration: configuration,
      handler: { request in
        let count = received.list.withLock { list in
          list.append(request)
          return list.count
        }
        return HTTPResponse(status: statuses[min(count, statuses.count) - 1])
      },
      rejection: { _, _ in HTTPResponse(status: 400) })
    try server.start()
  }

  /// Every request so far, in order.
  public var requests: [HTTPRequest] { received.list.withLock { $0 } }

  /// The port it listens on.
  public var port: UInt16 { server.port }

  public func stop() async { await server.shutdown(deadline: .seconds(2)) }
}
