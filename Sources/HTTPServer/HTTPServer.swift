import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A libmicrohttpd daemon that hands each complete request to an async handler.
///
/// MHD's own threads parse requests and read bodies; each complete request is
/// suspended in MHD and handed to `handler` in a Swift task, so a slow handler
/// never blocks other connections. Keep-alive, `100-continue`, idle timeouts
/// and connection limits are MHD's.
public final class HTTPServer: Sendable {
  private enum Lifecycle {
    case idle
    case running(DaemonHandle)
    case stopping(waiters: [CheckedContinuation<Claim, Never>])
    case stopped
  }

  /// What a `shutdown` caller has to do.
  private enum Claim {
    /// Stop this daemon; this caller won the race.
    case stop(DaemonHandle)
    /// Nothing: never started, or another caller stopped it.
    case none
  }

  private let configuration: HTTPServerConfiguration
  private let core: ServerCore
  private let lifecycle = Mutex(Lifecycle.idle)
  private let boundPort = Atomic<UInt16>(0)

  /// Creates a server; nothing is bound until `start()`.
  ///
  /// - Parameters:
  ///   - immediate: tried first with each complete request, on the MHD thread: returns a
  ///     response for requests it can answer at once (short blocking reads are fine there),
  ///     or nil to pass the request to `handler`. Saves the suspend-and-resume round trip.
  ///   - handler: answers each complete request; runs in a task on Swift's pool.
  ///   - rejection: answers a request the server refuses before reading its body;
  ///     the request passed has an empty body. Runs on an MHD thread: keep it quick.
  public init(
    configuration: HTTPServerConfiguration,
    immediate: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil,
    handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse,
    rejection: @escaping @Sendable (HTTPRejection, HTTPRequest) -> HTTPResponse
  ) {
    self.configuration = configuration
    self.core = ServerCore(
      maxBodyBytes: configuration.maxBodyBytes, immediate: immediate, handler: handler, rejection: rejection)
  }

  /// Binds and starts MHD's threads.
  ///
  /// - Throws: `HTTPServerError` naming the address when it is not an IPv4
  ///   literal or cannot be bound (for example, already in use).
  public func start() throws(HTTPServerError) {
    try lifecycle.withLock { (state) throws(HTTPServerError) in
      // Programmer error: one HTTPServer runs one daemon, once. Restarting after
      // shutdown is not supported; make a new HTTPServer instead.
      guard case .idle = state else { preconditionFailure("HTTPServer.start() called twice") }
      // MHD's callbacks borrow `core` through this +1; released after MHD_stop_daemon.
      let context = Unmanaged.passRetained(core)
      do throws(HTTPServerError) {
        let daemon = try DaemonHandle.start(configuration, context: context.toOpaque())
        boundPort.store(daemon.boundPort, ordering: .releasing)
        state = .running(daemon)
      } catch {
        context.release()
        throw error
      }
    }
  }

  /// The port actually bound after `start()`; 0 before it.
  public var port: UInt16 { boundPort.load(ordering: .acquiring) }

  /// Refuses new requests that would need the async handler (503), waits until
  /// in-flight handler calls have answered (bounded by `deadline`), resumes
  /// anything still suspended with a 503, then MHD_stop_daemon. Idempotent.
  ///
  /// The listening socket stays open until MHD_stop_daemon: MHD_quiesce_daemon
  /// with an epoll thread pool (0.9.75) aborts the process when a worker has
  /// just taken the listen socket out of its epoll set ("Failed to remove
  /// listen FD from epoll set", seen under load in CI).
  ///
  /// Requests arriving on open keep-alive connections meanwhile get 503 with
  /// `Connection: close`. After the sweep, the 503s get up to one more second
  /// to be written before connections are closed. Concurrent callers all return
  /// once the daemon has stopped.
  public func shutdown(deadline: Duration) async {
    let claim = await withCheckedContinuation { (continuation: CheckedContinuation<Claim, Never>) in
      let immediate = lifecycle.withLock { state -> Claim? in
        switch state {
        case .idle, .stopped:
          state = .stopped
          return Claim.none
        case .running(let daemon):
          state = .stopping(waiters: [])
          return .stop(daemon)
        case .stopping(var waiters):
          waiters.append(continuation)
          state = .stopping(waiters: waiters)
          return nil  // resumed by the caller doing the stop
        }
      }
      if let immediate { continuation.resume(returning: immediate) }
    }
    guard case .stop(let daemon) = claim else { return }

    core.beginStopping()
    if await !core.waitUntilDrained(timeout: deadline) {
      core.resumeSuspended(with: .serviceUnavailable)
      _ = await core.waitUntilDrained(timeout: .seconds(1))
    }
    // Every registered request was resumed (by its handler or the sweep), and
    // no new one can be suspended, so stopping is not an API violation.
    daemon.stop()
    Unmanaged.passUnretained(core).release()  // balances passRetained in start()

    let waiters = lifecycle.withLock { state -> [CheckedContinuation<Claim, Never>] in
      defer { state = .stopped }
      if case .stopping(let waiters) = state { return waiters }
      return []
    }
    for waiter in waiters { waiter.resume(returning: .none) }
  }
}
