import Foundation

/// The status block `podhop migrate --wait` redraws in place on a terminal: the job, its stage
/// and attempt, the elapsed time and, while a stage reports progress (the push), bytes done,
/// total, percentage and rate.
///
/// Each redraw moves the cursor up over the previous block (`ESC [ n A`) and rewrites every line
/// after clearing it (`ESC [ 2K`), so the block stays in one place and nothing scrolls.
struct ClientLiveStatus {
  private var linesDrawn = 0
  /// The last progress sample that moved, for the rate: bytes done and when the server took it.
  private var previous: (bytes: Int64, time: Date)?
  private var rate: Double?

  /// Redraws the block for `job` after `elapsed` seconds.
  mutating func update(_ job: [String: Any], elapsed: Double) {
    let lines = render(job, elapsed: elapsed)
    var text = linesDrawn > 0 ? "\u{1B}[\(linesDrawn)A" : ""
    for line in lines { text += "\r\u{1B}[2K" + line + "\n" }
    linesDrawn = lines.count
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  private mutating func render(_ job: [String: Any], elapsed: Double) -> [String] {
    let state = job["state"] as? String ?? "?"
    let stage = job["stage"] as? String ?? "?"
    let attempt = job["attempt"] as? Int ?? 0
    let order = ["preflight", "checkpoint", "build", "push", "restore", "finalize"]
    let position = order.firstIndex(of: stage) ?? 0
    let stages = order.enumerated().map { index, name in
      index == position ? "[\(name)]" : (index < position || state == "succeeded" ? name : "\u{1B}[2m\(name)\u{1B}[0m")
    }
    var lines = [
      "\(ClientOutput.pod(of: job)) -> \(job["targetNode"] as? String ?? "?")   job \(job["id"] as? String ?? "?")",
      "  stage    \(stage), attempt \(attempt), \(state)",
      "  stages   " + stages.joined(separator: " "),
      "  elapsed  " + Self.duration(elapsed),
    ]
    if let progress = job["progress"] as? [String: Any], let done = (progress["bytesDone"] as? NSNumber)?.int64Value {
      let total = (progress["bytesTotal"] as? NSNumber)?.int64Value
      if let time = ClientOutput.date(progress["updatedAt"]) { sample(done, at: time) }
      var text = "  \(ClientOutput.pad(progress["stage"] as? String ?? stage, 7))  \(ClientOutput.bytes(done))"
      if let total, total > 0 {
        text += " of \(ClientOutput.bytes(total)) (\(min(100, done * 100 / total))%)"
      }
      if let rate { text += "  \(ClientOutput.bytes(Int64(rate)))/s" }
      lines.append(text)
    } else {
      previous = nil
      rate = nil
    }
    return lines
  }

  /// Folds a progress sample into the rate (a moving average over the server's timestamps).
  private mutating func sample(_ bytes: Int64, at time: Date) {
    defer { if previous == nil || time > previous!.time { previous = (bytes, time) } }
    guard let previous, time > previous.time else { return }
    guard bytes >= previous.bytes else {
      rate = nil  // a retried upload started over
      return
    }
    let current = Double(bytes - previous.bytes) / time.timeIntervalSince(previous.time)
    rate = rate.map { $0 * 0.5 + current * 0.5 } ?? current
  }

  /// `12.3s`, `4m05s` or `1h02m`.
  static func duration(_ seconds: Double) -> String {
    switch seconds {
    case ..<60: return String(format: "%.1fs", seconds)
    case ..<3600: return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    default: return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }
  }
}
