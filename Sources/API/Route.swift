import Core

/// Every route the server answers, matched from method and path. `pattern` is the OpenAPI path
/// (also the `route` label in metrics); a test checks these against openapi.yaml.
enum Route: Equatable {
  case health, ready, metrics, openAPI
  case createMigration, listMigrations, preflight, listAudit
  case hook(String)
  case createEvacuation, listEvacuations, getEvacuation(MigrationID)
  case listDeliveries, redeliver(String)
  case getMigration(MigrationID), migrationEvents(MigrationID), cancelMigration(MigrationID), retryMigration(MigrationID)

  /// Method and OpenAPI path of every route, for the drift test and 405 answers.
  static let table: [(method: String, pattern: String)] = [
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/openapi.yaml"),
    ("POST", "/v1/migrations"), ("GET", "/v1/migrations"), ("GET", "/v1/migrations/{id}"),
    ("GET", "/v1/migrations/{id}/events"), ("POST", "/v1/migrations/{id}/cancel"), ("POST", "/v1/migrations/{id}/retry"),
    ("POST", "/v1/preflight"), ("GET", "/v1/audit"), ("POST", "/v1/hooks/{name}"),
    ("POST", "/v1/evacuations"), ("GET", "/v1/evacuations"), ("GET", "/v1/evacuations/{id}"),
    ("GET", "/v1/deliveries"), ("POST", "/v1/deliveries/{id}/redeliver"),
  ]

  /// The outcome of matching a request.
  enum Match: Equatable {
    case route(Route)
    /// The path exists, the method does not; carries the allowed methods.
    case methodNotAllowed([String])
    /// A migration path whose id is not a migration id.
    case badID
    case notFound

    /// The metrics label: the route's OpenAPI path, or "unmatched".
    var label: String {
      if case .route(let route) = self { return route.pattern }
      return "unmatched"
    }
  }

  static func match(method: String, path: String) -> Match {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    let pattern: String
    var id: MigrationID?
    /// The hook name or delivery id of the path.
    var hookName = ""
    if segments.count >= 3 && segments.first == "v1" && segments.dropFirst().first == "migrations" {
      let rest = Array(segments.dropFirst(2))
      guard let parsed = MigrationID(String(rest[0])) else { return rest.count <= 2 ? .badID : .notFound }
      id = parsed
      pattern = "/v1/migrations/{id}" + (rest.count > 1 ? "/" + rest[1...].joined(separator: "/") : "")
    } else if segments.count == 3 && segments.first == "v1" && segments.dropFirst().first == "evacuations" {
      guard let parsed = MigrationID(String(segments.last!)) else { return .badID }
      id = parsed
      pattern = "/v1/evacuations/{id}"
    } else if segments.count == 4 && segments.first == "v1" && segments.dropFirst().first == "deliveries" {
      hookName = String(segments.dropFirst(2).first!)
      pattern = "/v1/deliveries/{id}/" + segments.last!
    } else if segments.count == 3 && segments.first == "v1" && segments.dropFirst().first == "hooks" {
      hookName = String(segments.last!)
      pattern = "/v1/hooks/{name}"
    } else {
      pattern = path
    }
    let methods = table.filter { $0.pattern == pattern }.map(\.method)
    if methods.isEmpty { return .notFound }
    guard methods.contains(method) else { return .methodNotAllowed(methods) }
    switch (method, pattern) {
    case ("GET", "/healthz"): return .route(.health)
    case ("GET", "/readyz"): return .route(.ready)
    case ("GET", "/metrics"): return .route(.metrics)
    case ("GET", "/openapi.yaml"): return .route(.openAPI)
    case ("POST", "/v1/migrations"): return .route(.createMigration)
    case ("POST", "/v1/preflight"): return .route(.preflight)
    case ("GET", "/v1/audit"): return .route(.listAudit)
    case ("POST", "/v1/hooks/{name}"): return .route(.hook(hookName))
    case ("POST", "/v1/evacuations"): return .route(.createEvacuation)
    case ("GET", "/v1/evacuations"): return .route(.listEvacuations)
    case ("GET", "/v1/evacuations/{id}"): return .route(.getEvacuation(id!))
    case ("GET", "/v1/deliveries"): return .route(.listDeliveries)
    case ("POST", "/v1/deliveries/{id}/redeliver"): return .route(.redeliver(hookName))
    case ("GET", "/v1/migrations"): return .route(.listMigrations)
    case ("GET", "/v1/migrations/{id}"): return .route(.getMigration(id!))
    case ("GET", "/v1/migrations/{id}/events"): return .route(.migrationEvents(id!))
    case ("POST", "/v1/migrations/{id}/cancel"): return .route(.cancelMigration(id!))
    case ("POST", "/v1/migrations/{id}/retry"): return .route(.retryMigration(id!))
    default: return .notFound
    }
  }

  /// The OpenAPI path, used as the metrics label (bounded: never contains an id).
  var pattern: String {
    switch self {
    case .health: "/healthz"
    case .ready: "/readyz"
    case .metrics: "/metrics"
    case .openAPI: "/openapi.yaml"
    case .createMigration, .listMigrations: "/v1/migrations"
    case .getMigration: "/v1/migrations/{id}"
    case .migrationEvents: "/v1/migrations/{id}/events"
    case .cancelMigration: "/v1/migrations/{id}/cancel"
    case .retryMigration: "/v1/migrations/{id}/retry"
    case .preflight: "/v1/preflight"
    case .listAudit: "/v1/audit"
    case .hook: "/v1/hooks/{name}"
    case .createEvacuation, .listEvacuations: "/v1/evacuations"
    case .getEvacuation: "/v1/evacuations/{id}"
    case .listDeliveries: "/v1/deliveries"
    case .redeliver: "/v1/deliveries/{id}/redeliver"
    }
  }

  /// Whether the route only reads, so it can be answered with blocking reads on the calling
  /// thread (`APIHandler.handleNow`). /readyz and /metrics are async: they ask the writer side.
  var readsOnly: Bool {
    switch self {
    case .health, .openAPI, .listMigrations, .getMigration, .migrationEvents, .listAudit: true
    case .ready, .metrics, .createMigration, .cancelMigration, .retryMigration, .preflight, .hook, .createEvacuation,
      .listEvacuations, .getEvacuation, .listDeliveries, .redeliver:
      false
    }
  }

  /// The least role that may call this route; nil for unauthenticated routes.
  var requiredRole: Role? {
    switch self {
    // Hooks authenticate each delivery by its signature instead.
    case .health, .ready, .metrics, .openAPI, .hook: nil
    case .listMigrations, .getMigration, .migrationEvents, .listAudit, .listEvacuations, .getEvacuation, .listDeliveries:
      .reader
    case .createMigration, .cancelMigration, .retryMigration, .preflight, .createEvacuation, .redeliver: .operator
    }
  }
}
