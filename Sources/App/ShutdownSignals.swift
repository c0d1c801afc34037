import Dispatch
import Foundation
import Synchronization

/// Turns SIGTERM and SIGINT into an awaitable event (their default action is disabled).
final class ShutdownSignals: Sendable {
  private let stream: AsyncStream<String>
  // Dispatch sources must stay alive to deliver; only touched at init.
  private let sources: Mutex<[any DispatchSourceSignal]>

  init() {
    let (stream, continuation) = AsyncStream<String>.makeStream()
    self.stream = stream
    var sources: [any DispatchSourceSignal] = []
    for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { continuation.yield(name) }
      source.resume()
      sources.append(source)
    }
    self.sources = Mutex(sources)
  }

  /// The name of the next signal received.
  func next() async -> String {
    var iterator = stream.makeAsyncIterator()
    return await iterator.next() ?? "SIGTERM"
  }
}
