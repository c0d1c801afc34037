import Foundation

/// `podhop evacuate NODE`: move every movable pod off a node (POST /v1/evacuations), print
/// the plan — each pod's job and target, each pod that stays and why — and optionally wait.
enum ClientEvacuateCommand {
  static let usage =
    """
    Usage: podhop evacuate NODE [options]

    Asks the podhop server to move every movable pod off NODE (POST /v1/evacuations) and prints
    the plan: one line per pod with its job and target node, then the pods that stay and why
    (DaemonSet and static pods, pods that fail pre-flight, pods no node has room for). Without
    --to, podhop chooses a compatible node with room for each pod.

    Options:
      --to NODE               Send every pod to this node.
      --keep-source           Keep the source pods (sourcePolicy keep) instead of deleting them.
      --allow-volumes         Accept that PVC and hostPath volume data is not moved.
      --label KEY=VALUE       Label for every job; repeat for several.
      --wait                  Follow the evacuation (polling every second) until its last job
                              ends; one line per job that finishes. Exit 0 only if all succeeded.
      --timeout SECONDS       Give up waiting after this long (default 1800; the jobs go on).
      -o, --output FORMAT     text (default) or json (the evacuation as the server sent it).

    """ + ClientCommand.commonUsage

  static let specification = ClientArguments.Specification(
    options: ClientConfiguration.options.union(["--to", "--timeout", "--output"]), repeatable: ["--label"],
    flags: ["--keep-source", "--allow-volumes", "--wait"])

  static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
    await ClientCommand.run(arguments, usage: usage) { () async throws(ClientError) -> Int32 in
      let parsed = try ClientArguments(arguments, specification)
      let node = try parsed.single("NODE")
      let json = try parsed.wantsJSON()
      var timeout = 1800.0
      if let text = parsed.value("--timeout") {
        guard let value = Double(text), value > 0, value.isFinite else {
          throw .usage("--timeout must be a positive number of seconds")
        }
        timeout = value
      }
      var body: [String: Any] = ["node": node]
      body["targetNode"] = parsed.value("--to")
      if parsed.flag("--keep-source") { body["sourcePolicy"] = "keep" }
      if parsed.flag("--allow-volumes") { body["allowVolumes"] = true }
      let labels = try ClientMigrateCommand.labels(parsed)
      if !labels.isEmpty { body["labels"] = labels }
      let connection = ClientConnection(try ClientConfiguration(parsed, environment: environment))
      let answer = try await connection.send(
        "POST", "/v1/evacuations", json: body, headers: [("Idempotency-Key", UUID().uuidString.lowercased())])
      let evacuation = try answer.object()
      guard let id = evacuation["id"] as? String else { throw .failed("the server's answer has no evacuation id") }
      if json {
        print(ClientOutput.json(answer.body))
      } else {
        print(plan(evacuation))
      }
      guard parsed.flag("--wait") else { return 0 }
      return try await wait(for: id, connection: connection, timeout: .seconds(timeout))
    }
  }

  /// The plan as text: the evacuation id, a table of jobs, and the pods that stay.
  static func plan(_ evacuation: [String: Any]) -> String {
    let jobs = evacuation["jobs"] as? [[String: Any]] ?? []
    let skipped = evacuation["skipped"] as? [[String: Any]] ?? []
    var lines = [
      "evacuation \(evacuation["id"] as? String ?? "?") of \(evacuation["node"] as? String ?? "?"): "
        + "\(jobs.count) pod\(jobs.count == 1 ? "" : "s") to move, \(skipped.count) staying"
    ]
    if !jobs.isEmpty {
      lines.append(
        ClientOutput.table(
          ["POD", "TARGET", "JOB"],
          jobs.map { [$0["pod"] as? String ?? "", $0["targetNode"] as? String ?? "", $0["id"] as? String ?? ""] }))
    }
    for skip in skipped { lines.append("stays: \(skip["pod"] as? String ?? "?"): \(skip["reason"] as? String ?? "")") }
    return lines.joined(separator: "\n")
  }

  /// Polls the evacuation until it completes, printing each job as it finishes.
  static func wait(for id: String, connection: ClientConnection, timeout: Duration) async throws(ClientError) -> Int32 {
    let deadline = ContinuousClock.now + timeout
    var reported = Set<String>()
    while ContinuousClock.now < deadline {
      let evacuation = try await connection.send("GET", "/v1/evacuations/\(id)").object()
      let jobs = evacuation["jobs"] as? [[String: Any]] ?? []
      for job in jobs {
        let state = job["state"] as? String ?? ""
        guard ["succeeded", "failed", "canceled"].contains(state), let jobID = job["id"] as? String,
          reported.insert(jobID).inserted
        else { continue }
        print("\(ClientOutput.clock(Date()))  \(job["pod"] as? String ?? "?") → \(job["targetNode"] as? String ?? "?")  \(state)")
      }
      if evacuation["state"] as? String == "completed" {
        let summary = evacuation["summary"] as? [String: Int] ?? [:]
        let failed = (summary["failed"] ?? 0) + (summary["canceled"] ?? 0)
        print("completed: \(summary["succeeded"] ?? 0) moved, \(failed) failed or canceled, \(summary["skipped"] ?? 0) stayed")
        return failed == 0 ? 0 : 1
      }
      try? await Task.sleep(for: .seconds(1))
    }
    throw .failed("gave up waiting after the timeout; evacuation \(id) goes on (podhop jobs list shows its jobs)")
  }
}
