import Core
import Foundation
import HTTPServer
import Storage
import Synchronization

/// `GET /v1/migrations/{id}/events?follow=true`: the job's history as server-sent events,
/// existing ones first, then each new one as it is recorded, until the job ends.
///
/// Each event is `id: <seq>`, `event: <type>` and `data: <Event JSON>`; a comment line
/// (`: keep-alive`) goes out after `followHeartbeat` of silence, so proxies keep the connection
/// and a client that left is noticed. `Last-Event-ID` resumes after that sequence number. The
/// producer wakes when this process commits a change to any job's history, and re-reads at
/// least every `followPollInterval` for anything else.
extension APIHandler {
  /// Whether the request asks for the event stream rather than the JSON list.
  static func wantsFollow(_ route: Route, _ request: HTTPRequest) -> Bool {
    guard case .migrationEvents = route else { return false }
    return request.query.contains { $0.name == "follow" && $0.value == "true" }
  }

  /// Checks the events route's query: only `follow=true|false`.
  func checkEventsQuery(_ request: HTTPRequest) throws(Problem) {
    for item in request.query {
      guard item.name == "follow" else {
        throw Problem.badRequest(
          "unexpected query parameter", errors: [.init(field: item.name, message: "unknown query parameter")])
      }
      guard item.value == "true" || item.value == "false" else {
        throw Problem.badRequest("follow must be true or false", errors: [.init(field: "follow", message: "not a boolean")])
      }
    }
  }

  func followEvents(_ id: MigrationID, _ request: HTTPRequest) async throws -> HTTPResponse {
    try checkEventsQuery(request)
    var after = 0
    if let header = request.headers["Last-Event-ID"] {
      guard let seq = Int(header.trimmingCharacters(in: .whitespaces)), seq >= 0 else {
        throw Problem.badRequest(
          "Last-Event-ID must be an event sequence number", errors: [.init(field: "Last-Event-ID", message: "not a number")])
      }
      after = seq
    }
    let generation = store.changes.generation
    guard let first = try await store.follow(id, after: after) else { throw Problem.notFound("no migration \(id)") }
    if isDraining { throw Problem.unavailable("podhop is shutting down; follow the job on the new instance", retryAfter: 5) }
    guard let slot = followers.acquire(limit: configuration.followStreamLimit) else {
      throw Problem.unavailable(
        "too many event streams are open (limit \(configuration.followStreamLimit)); poll the events list or retry later",
        retryAfter: 5)
    }
    let headers = HTTPHeaders([
      ("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no"),
    ])
    return HTTPResponse(status: 200, headers: headers) { writer in
      // The slot is held for as long as this closure lives: released when the stream ends or
      // when the response is dropped without being sent.
      withExtendedLifetime(slot) {}
      await self.streamEvents(id, first: first, generation: generation, to: writer)
    }
  }

  private func streamEvents(
    _ id: MigrationID, first: (state: JobState, events: [MigrationEvent]), generation: UInt64, to writer: HTTPBodyWriter
  ) async {
    let clock = ContinuousClock()
    var snapshot = first
    var seen = generation
    var last = first.events.last?.seq ?? 0
    var lastWrite = clock.now
    if !writer.write(Array("retry: 2000\n\n".utf8)) { return }
    while !Task.isCancelled {
      if !snapshot.events.isEmpty {
        var bytes: [UInt8] = []
        for event in snapshot.events {
          bytes += Self.frame(event)
          last = event.seq
        }
        guard writer.write(bytes) else { return }
        lastWrite = clock.now
      }
      if snapshot.state.isTerminal { return }
      let untilHeartbeat = configuration.followHeartbeat - (clock.now - lastWrite)
      if untilHeartbeat <= .zero {
        guard writer.write(Array(": keep-alive\n\n".utf8)) else { return }
        lastWrite = clock.now
        continue
      }
      await store.changes.wait(after: seen, upTo: min(untilHeartbeat, configuration.followPollInterval))
      if Task.isCancelled { return }
      seen = store.changes.generation
      do {
        guard let next = try await store.follow(id, after: last) else { return }
        snapshot = next
      } catch {
        logger.warning("event stream read failed; closing it", ["migration.id": id.rawValue, "error": String(describing: error)])
        return
      }
    }
  }

  /// One server-sent event: `id`, `event` and a one-line `data` JSON object.
  static func frame(_ event: MigrationEvent) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(event)
    return Array("id: \(event.seq)\nevent: \(event.type.rawValue)\ndata: ".utf8) + writer.bytes + Array("\n\n".utf8)
  }
}

/// The number of open event streams, against a limit.
final class StreamCounter: Sendable {
  private let open = Atomic<Int>(0)

  /// Takes a slot, or nil when `limit` streams are open.
  func acquire(limit: Int) -> StreamSlot? {
    var current = open.load(ordering: .relaxed)
    while current < limit {
      let (exchanged, original) = open.compareExchange(
        expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
      if exchanged { return StreamSlot(self) }
      current = original
    }
    return nil
  }

  /// Streams open now.
  var count: Int { open.load(ordering: .relaxed) }

  fileprivate func release() { open.subtract(1, ordering: .acquiringAndReleasing) }
}

/// One open event stream counted against the limit; released when the last reference goes.
final class StreamSlot: Sendable {
  private let counter: StreamCounter

  fileprivate init(_ counter: StreamCounter) { self.counter = counter }

  deinit { counter.release() }
}
