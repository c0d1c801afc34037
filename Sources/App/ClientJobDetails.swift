import Foundation

/// The text of `podhop jobs show`: a job's fields as `Name: value` lines, then its stages and
/// pre-flight checks as tables.
enum ClientJobDetails {
  /// Renders a Migration object.
  static func render(_ job: [String: Any]) -> String {
    let source = job["source"] as? [String: Any] ?? [:]
    var fields: [(String, String)] = [
      ("ID", job["id"] as? String ?? "?"),
      ("State", job["state"] as? String ?? "?"),
      ("Stage", "\(job["stage"] as? String ?? "?") (attempt \(job["attempt"] as? Int ?? 0))"),
      ("Pod", ClientOutput.pod(of: job)),
    ]
    if let container = source["container"] as? String { fields.append(("Container", container)) }
    fields.append(("Source node", job["sourceNode"] as? String ?? "-"))
    fields.append(("Target node", job["targetNode"] as? String ?? "?"))
    fields.append(("Source policy", job["sourcePolicy"] as? String ?? "?"))
    fields.append(("Allow volumes", (job["allowVolumes"] as? Bool ?? false) ? "yes" : "no"))
    fields.append(("Requested by", "\(job["requestedBy"] as? String ?? "?") (\(job["trigger"] as? String ?? "?"))"))
    let labels = (job["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    if !labels.isEmpty { fields.append(("Labels", labels.joined(separator: ", "))) }
    fields.append(("Created", ClientOutput.time(job["createdAt"])))
    if job["startedAt"] != nil { fields.append(("Started", ClientOutput.time(job["startedAt"]))) }
    if job["finishedAt"] != nil { fields.append(("Finished", ClientOutput.time(job["finishedAt"]))) }
    if let checkpoint = job["checkpoint"] as? [String: Any] {
      let size = (checkpoint["sizeBytes"] as? Int).map { " (\(ClientOutput.bytes(Int64($0))))" } ?? ""
      fields.append(("Checkpoint", "\(checkpoint["archive"] as? String ?? "?")\(size)"))
    }
    if let image = job["image"] as? [String: Any] {
      let digest = (image["digest"] as? String).map { "@\($0)" } ?? ""
      fields.append(("Image", "\(image["repository"] as? String ?? "?"):\(image["reference"] as? String ?? "?")\(digest)"))
    }
    if let restored = job["restoredPod"] as? [String: Any] {
      let name = "\(restored["namespace"] as? String ?? "?")/\(restored["name"] as? String ?? "?")"
      fields.append(("Restored pod", "\(name) on \(restored["node"] as? String ?? "?")"))
    }
    if let error = job["error"] as? [String: Any] {
      let retryable = (error["retryable"] as? Bool ?? false) ? "retryable" : "not retryable"
      fields.append(("Error", "at \(error["stage"] as? String ?? "?") (\(retryable)): \(error["message"] as? String ?? "")"))
    }
    let width = fields.map(\.0.count).max() ?? 0
    var text = fields.map { ClientOutput.pad($0.0 + ":", width + 1) + "  " + $0.1 }.joined(separator: "\n")
    let stages = (job["stages"] as? [[String: Any]] ?? []).map { stage in
      [
        stage["name"] as? String ?? "?", stage["state"] as? String ?? "?", String(stage["attempts"] as? Int ?? 0),
        (stage["durationSeconds"] as? Double).map { String(format: "%.1fs", $0) } ?? "-",
      ]
    }
    if !stages.isEmpty {
      text += "\n\nStages:\n" + ClientOutput.table(["STAGE", "STATE", "ATTEMPTS", "DURATION"], stages)
    }
    let checks = (job["preflight"] as? [[String: Any]] ?? []).map { check in
      [(check["result"] as? String ?? "?").uppercased(), check["name"] as? String ?? "?", check["message"] as? String ?? ""]
    }
    if !checks.isEmpty {
      text += "\n\nPre-flight:\n" + ClientOutput.table(["RESULT", "NAME", "MESSAGE"], checks)
    }
    return text
  }
}
