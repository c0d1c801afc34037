import Foundation

/// `podhop jobs list|show|events|cancel|retry`: read and steer migration jobs on the server.
enum ClientJobsCommand {
  static let usage =
    """
    Usage: podhop jobs list [--state S] [--node N] [--namespace NS] [--label K=V] [--limit N] [-o json]
           podhop jobs show ID [-o json]
           podhop jobs events ID [--follow] [-o json]
           podhop jobs cancel ID
           podhop jobs retry ID

    list     Jobs, newest first, as a table (ID STATE STAGE POD TARGET AGE). --state takes a
             comma-separated list (queued,running,...); --node matches source or target node;
             --label repeats and all must match; --limit is 1 to 500 (default 50); --cursor C
             fetches the page after the one that printed C.
    show     One job: its request, stages, pre-flight checks, image, restored pod and error.
    events   The job's history, one line per event: time, type, stage, attempt, message.
             --follow streams new events as they happen (server-sent events) until the job
             ends, then exits 0 if it succeeded and 1 with its error otherwise; with -o json,
             one event object per line.
    cancel   Cancel a job: a queued job at once, a running one when its stage stops. A finished
             job cannot be canceled (exit 1).
    retry    Re-queue a failed job at the stage that failed, with a fresh attempt budget.

    Options:
      -o, --output FORMAT     table (default) or json (the server's JSON).

    """ + ClientCommand.commonUsage

  static let specification = ClientArguments.Specification(
    options: ClientConfiguration.options.union(["--state", "--node", "--namespace", "--limit", "--cursor", "--output"]),
    repeatable: ["--label"], flags: ["--follow"])

  /// Runs `podhop jobs ARGUMENTS`.
  static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
    await ClientCommand.run(arguments, usage: usage) { () async throws(ClientError) -> Int32 in
      guard let verb = arguments.first else { throw .usage("a jobs command is required: list, show, events, cancel or retry") }
      let parsed = try ClientArguments(arguments.dropFirst(), specification)
      let json = try parsed.wantsJSON()
      if parsed.flag("--follow") && verb != "events" { throw .usage("--follow is an option of podhop jobs events") }
      if verb != "list" {
        let filters = ["--state", "--node", "--namespace", "--limit", "--cursor"].filter { parsed.value($0) != nil }
        guard filters.isEmpty, parsed.all("--label").isEmpty else {
          throw .usage("\(filters.first ?? "--label") is an option of podhop jobs list")
        }
      }
      let connection: () throws(ClientError) -> ClientConnection = { () throws(ClientError) in
        ClientConnection(try ClientConfiguration(parsed, environment: environment))
      }
      switch verb {
      case "list":
        guard parsed.positional.isEmpty else { throw .usage("jobs list takes no arguments") }
        return try await list(parsed, json: json, connection())
      case "show":
        let id = try ClientCommand.jobID(try parsed.single("job ID"))
        let answer = try await connection().send("GET", "/v1/migrations/\(id)")
        print(json ? ClientOutput.json(answer.body) : ClientJobDetails.render(try answer.object()))
        return 0
      case "events":
        let id = try ClientCommand.jobID(try parsed.single("job ID"))
        if parsed.flag("--follow") { return try await ClientEventFollower(connection: connection(), id: id, json: json).run() }
        let answer = try await connection().send("GET", "/v1/migrations/\(id)/events")
        print(json ? ClientOutput.json(answer.body) : events(try answer.object()))
        return 0
      case "cancel", "retry":
        let id = try ClientCommand.jobID(try parsed.single("job ID"))
        let answer = try await connection().send("POST", "/v1/migrations/\(id)/\(verb)", json: [:])
        let job = json ? [:] : try answer.object()
        if json {
          print(ClientOutput.json(answer.body))
        } else if verb == "retry" {
          print("queued again: \(id) at \(job["stage"] as? String ?? "?")")
        } else {
          print(answer.status == 202 ? "cancel requested: \(id) (the running stage stops cooperatively)" : "canceled: \(id)")
        }
        return 0
      default:
        throw .usage("unknown jobs command '\(verb)': use list, show, events, cancel or retry")
      }
    }
  }

  /// `jobs list`: one page of jobs.
  static func list(_ parsed: ClientArguments, json: Bool, _ connection: ClientConnection) async throws(ClientError) -> Int32 {
    var query: [URLQueryItem] = []
    for (option, name) in [("--state", "state"), ("--node", "node"), ("--namespace", "namespace"), ("--cursor", "cursor")] {
      if let value = parsed.value(option) { query.append(URLQueryItem(name: name, value: value)) }
    }
    for label in parsed.all("--label") {
      guard label.contains("=") else { throw .usage("--label must be KEY=VALUE, not '\(label)'") }
      query.append(URLQueryItem(name: "label", value: label))
    }
    if let limit = parsed.value("--limit") {
      guard let value = Int(limit), (1...500).contains(value) else { throw .usage("--limit must be a number from 1 to 500") }
      query.append(URLQueryItem(name: "limit", value: String(value)))
    }
    var components = URLComponents()
    components.queryItems = query.isEmpty ? nil : query
    // URLComponents leaves `+` and `=` as they are; the server reads `+` as a space.
    let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    let answer = try await connection.send("GET", "/v1/migrations" + (encoded.isEmpty ? "" : "?" + encoded))
    if json {
      print(ClientOutput.json(answer.body))
      return 0
    }
    let page = try answer.object()
    let now = Date()
    let rows = (page["items"] as? [[String: Any]] ?? []).map { job in
      [
        job["id"] as? String ?? "?", job["state"] as? String ?? "?", job["stage"] as? String ?? "?", ClientOutput.pod(of: job),
        job["targetNode"] as? String ?? "?", ClientOutput.age(since: job["createdAt"], now: now),
      ]
    }
    print(ClientOutput.table(["ID", "STATE", "STAGE", "POD", "TARGET", "AGE"], rows))
    if let cursor = page["nextCursor"] as? String {
      ClientCommand.report(["more jobs: add --cursor \(cursor)"])
    }
    return 0
  }

  /// `jobs events`: one line per event.
  static func events(_ page: [String: Any]) -> String {
    let rows = (page["items"] as? [[String: Any]] ?? []).map { event in
      [
        ClientOutput.time(event["time"]), event["type"] as? String ?? "?", event["stage"] as? String ?? "-",
        (event["attempt"] as? Int).map { "attempt \($0)" } ?? "-", event["message"] as? String ?? "",
      ]
    }
    return ClientOutput.table(["TIME", "TYPE", "STAGE", "ATTEMPT", "MESSAGE"], rows)
  }
}
