import Synchronization

/// One server-sent event as the client received it.
struct ServerSentEvent: Sendable, Equatable {
  var id: String?
  var event: String
  var data: String
}

/// An incremental parser of `text/event-stream` (the WHATWG format, as podhop serves it): feed
/// it bytes as they arrive, in pieces of any size, and it returns the events completed.
///
/// Lines end with LF, CRLF or CR; `field: value` lines set `id`, `event` and `data` (several
/// `data` lines join with LF); lines starting with `:` are comments; an empty line ends an
/// event. `retry` and unknown fields are ignored. Thread-safe: HTTPClient calls `feed` on its
/// transfer thread.
final class ServerSentEventParser: Sendable {
  private struct State {
    var partial: [UInt8] = []
    var lastByteWasCR = false
    var id: String?
    var event = ""
    var data: [String] = []
    var lastID: String?
  }

  private let state = Mutex(State())

  /// The `id` of the last complete event, for `Last-Event-ID`.
  var lastEventID: String? { state.withLock { $0.lastID } }

  /// Consumes `bytes` and returns the events they completed.
  func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
    state.withLock { state in
      var completed: [ServerSentEvent] = []
      for byte in bytes {
        if byte == 0x0A && state.lastByteWasCR {
          state.lastByteWasCR = false
          continue  // the LF of a CRLF
        }
        state.lastByteWasCR = byte == 0x0D
        guard byte == 0x0A || byte == 0x0D else {
          state.partial.append(byte)
          continue
        }
        let line = String(decoding: state.partial, as: UTF8.self)
        state.partial.removeAll(keepingCapacity: true)
        if let event = Self.take(line, into: &state) { completed.append(event) }
      }
      return completed
    }
  }

  /// Applies one line; returns the event an empty line completes.
  private static func take(_ line: String, into state: inout State) -> ServerSentEvent? {
    if line.isEmpty {
      defer {
        state.event = ""
        state.data = []
        state.id = nil
      }
      guard !state.data.isEmpty else { return nil }
      if let id = state.id { state.lastID = id }
      return ServerSentEvent(
        id: state.id, event: state.event.isEmpty ? "message" : state.event, data: state.data.joined(separator: "\n"))
    }
    if line.hasPrefix(":") { return nil }
    let name: Substring
    var value: Substring
    if let colon = line.firstIndex(of: ":") {
      name = line[..<colon]
      value = line[line.index(after: colon)...]
      if value.hasPrefix(" ") { value = value.dropFirst() }
    } else {
      name = Substring(line)
      value = ""
    }
    switch name {
    case "id": state.id = String(value)
    case "event": state.event = String(value)
    case "data": state.data.append(String(value))
    default: break
    }
    return nil
  }
}
