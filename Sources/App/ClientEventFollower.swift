import Foundation

/// `podhop jobs events ID --follow`: prints the job's events as the server streams them
/// (server-sent events), until the job ends; then exits as `migrate --wait` does.
///
/// When the stream ends before the job does (the server restarted), it reconnects with
/// `Last-Event-ID`, so no event is printed twice or lost.
struct ClientEventFollower {
  let connection: ClientConnection
  let id: String
  /// Print each event's JSON on a line of its own instead of a table row.
  let json: Bool

  /// Follows to the end; 0 when the job succeeded, else throws the job's error.
  func run() async throws(ClientError) -> Int32 {
    if !json { Self.emit(Self.row(["TIME", "TYPE", "STAGE", "ATTEMPT", "MESSAGE"])) }
    var lastEventID: String?
    var reconnects = 0
    while true {
      lastEventID = try await connection.followEvents(id, after: lastEventID) { [json] event in
        Self.emit(json ? event.data : Self.render(event))
      }
      let job = try await connection.send("GET", "/v1/migrations/\(id)").object()
      if let status = try ClientJobWatcher.outcome(job) { return status }
      reconnects += 1
      guard reconnects <= 10 else {
        throw .failed("the event stream of job \(id) keeps ending before the job does; try again later")
      }
      do { try await Task.sleep(for: .seconds(1)) } catch { throw .failed("interrupted while following job \(id)") }
    }
  }

  /// One event as a row: time, type, stage, attempt, message.
  static func render(_ event: ServerSentEvent) -> String {
    guard let value = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)),
      let object = value as? [String: Any]
    else { return row(["-", event.event, "-", "-", event.data]) }
    return row([
      ClientOutput.time(object["time"]), object["type"] as? String ?? event.event, object["stage"] as? String ?? "-",
      (object["attempt"] as? Int).map { "attempt \($0)" } ?? "-", object["message"] as? String ?? "",
    ])
  }

  /// Cells padded to fixed widths (rows are printed one at a time, so they cannot be measured).
  static func row(_ cells: [String]) -> String {
    let widths = [19, 17, 10, 10]
    return cells.enumerated().map { index, cell in index < widths.count ? ClientOutput.pad(cell, widths[index]) : cell }
      .joined(separator: "  ")
  }

  /// Writes a line at once, unbuffered, even into a pipe (called on the transfer thread).
  static func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }
}
