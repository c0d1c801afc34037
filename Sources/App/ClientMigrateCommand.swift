import Foundation

/// `podhop migrate NAMESPACE/POD [--to NODE]` and `podhop preflight NAMESPACE/POD [--to NODE]`: ask
/// the server for a migration, or only for its pre-flight report.
enum ClientMigrateCommand {
  static let migrateUsage =
    """
    Usage: podhop migrate NAMESPACE/POD [--to NODE] [options]

    Asks the podhop server to migrate a pod (POST /v1/migrations) and prints the job id. Each
    invocation sends its own Idempotency-Key, so a request the server already accepted is not
    duplicated when libcurl resends it.

    Options:
      --to NODE               Target node; without it podhop chooses a compatible node with room.
      --container NAME        Container to checkpoint, when the pod has several.
      --keep-source           Keep the source pod (sourcePolicy keep) instead of deleting it.
      --allow-volumes         Accept that PVC and hostPath volume data is not moved.
      --label KEY=VALUE       Label for the job; repeat for several.
      --wait                  Follow the job (polling every 0.5 s) until it finishes. On a terminal,
                              a status block redrawn in place: stage, attempt, elapsed time and,
                              during the push, bytes read of the archive, total and rate. Into a
                              pipe or file, one line per change of stage, attempt or state.
                              Exit 0 only if it succeeded; otherwise 1 with the job's error.
      --timeout SECONDS       Give up waiting after this long (default 600; the job goes on).

    """ + ClientCommand.commonUsage

  static let preflightUsage =
    """
    Usage: podhop preflight NAMESPACE/POD [--to NODE] [options]

    Runs the pre-flight checks of a migration without starting one (POST /v1/preflight) and
    prints them as a table. Exit 0 if every check passed (warnings pass), 1 if any failed.

    Options:
      --to NODE               Target node; without it podhop chooses a compatible node with room.
      --container NAME        Container to check, when the pod has several.
      --keep-source           Check as for sourcePolicy keep.
      --allow-volumes         Accept that PVC and hostPath volume data is not moved.
      -o, --output FORMAT     table (default) or json (the report as the server sent it).

    """ + ClientCommand.commonUsage

  static let specification = ClientArguments.Specification(
    options: ClientConfiguration.options.union(["--to", "--container", "--timeout", "--output"]),
    repeatable: ["--label"], flags: ["--keep-source", "--allow-volumes", "--wait"])

  /// `podhop migrate`.
  static func migrate(_ arguments: [String], environment: [String: String]) async -> Int32 {
    await ClientCommand.run(arguments, usage: migrateUsage) { () async throws(ClientError) -> Int32 in
      let parsed = try ClientArguments(arguments, specification)
      let body = try requestBody(parsed)
      var timeout = 600.0
      if let text = parsed.value("--timeout") {
        guard let value = Double(text), value > 0, value.isFinite else {
          throw .usage("--timeout must be a positive number of seconds")
        }
        timeout = value
      }
      let connection = ClientConnection(try ClientConfiguration(parsed, environment: environment))
      let answer = try await connection.send(
        "POST", "/v1/migrations", json: body, headers: [("Idempotency-Key", UUID().uuidString.lowercased())])
      guard let id = try answer.object()["id"] as? String else { throw .failed("the server's answer has no job id") }
      print(id)
      guard parsed.flag("--wait") else { return 0 }
      return try await ClientJobWatcher(connection: connection, id: id).wait(timeout: .seconds(timeout))
    }
  }

  /// `podhop preflight`.
  static func preflight(_ arguments: [String], environment: [String: String]) async -> Int32 {
    await ClientCommand.run(arguments, usage: preflightUsage) { () async throws(ClientError) -> Int32 in
      let parsed = try ClientArguments(arguments, specification)
      guard !parsed.flag("--wait"), parsed.value("--timeout") == nil, parsed.all("--label").isEmpty else {
        throw .usage("--wait, --timeout and --label are options of podhop migrate")
      }
      let json = try parsed.wantsJSON()
      let body = try requestBody(parsed)
      let connection = ClientConnection(try ClientConfiguration(parsed, environment: environment))
      let answer = try await connection.send("POST", "/v1/preflight", json: body)
      let report = try answer.object()
      let passed = report["passed"] as? Bool ?? false
      if json {
        print(ClientOutput.json(answer.body))
      } else {
        let checks = report["checks"] as? [[String: Any]] ?? []
        let rows = checks.map { check in
          [(check["result"] as? String ?? "?").uppercased(), check["name"] as? String ?? "?", check["message"] as? String ?? ""]
        }
        print(ClientOutput.table(["RESULT", "NAME", "MESSAGE"], rows))
        var location = ""
        if let node = report["sourceNode"] as? String { location += " (pod on \(node)" }
        if let container = report["container"] as? String {
          location += location.isEmpty ? " (container \(container)" : ", container \(container)"
        }
        if !location.isEmpty { location += ")" }
        print(passed ? "passed\(location)" : "failed\(location): the migration would be refused")
      }
      return passed ? 0 : 1
    }
  }

  /// The MigrationRequest for the parsed command line.
  static func requestBody(_ parsed: ClientArguments) throws(ClientError) -> [String: Any] {
    guard !parsed.positional.isEmpty else { throw .usage("NAMESPACE/POD is required") }
    let (namespace, pod) = try ClientCommand.podReference(try parsed.single("NAMESPACE/POD"))
    if parsed.value("--to")?.isEmpty == true { throw .usage("--to needs a node name") }
    var source: [String: Any] = ["namespace": namespace, "pod": pod]
    if let container = parsed.value("--container") { source["container"] = container }
    var body: [String: Any] = [
      "source": source, "sourcePolicy": parsed.flag("--keep-source") ? "keep" : "delete",
      "allowVolumes": parsed.flag("--allow-volumes"),
    ]
    body["targetNode"] = parsed.value("--to")
    let labels = try labels(parsed)
    if !labels.isEmpty { body["labels"] = labels }
    return body
  }

  /// The `--label KEY=VALUE` options as a map.
  static func labels(_ parsed: ClientArguments) throws(ClientError) -> [String: String] {
    var labels: [String: String] = [:]
    for label in parsed.all("--label") {
      guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
        throw .usage("--label must be KEY=VALUE, not '\(label)'")
      }
      labels[String(label[..<equals])] = String(label[label.index(after: equals)...])
    }
    return labels
  }
}
