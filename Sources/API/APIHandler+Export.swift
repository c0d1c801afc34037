import Core
import HTTPServer
import Storage

/// Bulk exports of jobs, audit records and a job's events as NDJSON or CSV (by `Accept`),
/// streamed page by page: at most one page of rows and the stream's buffer are in memory,
/// however many rows match.
extension APIHandler {
  static let exportPageSize = 500

  /// Whether the request asks for a streamed export rather than a JSON page.
  static func wantsExport(_ route: Route, _ request: HTTPRequest) -> Bool {
    switch route {
    case .listMigrations, .listAudit, .migrationEvents: ExportFormat(request) != nil
    default: false
    }
  }

  func export(_ route: Route, _ request: HTTPRequest) async throws -> HTTPResponse {
    guard let format = ExportFormat(request) else { preconditionFailure("export needs an export Accept") }
    if request.query.contains(where: { $0.name == "limit" || $0.name == "cursor" }) {
      throw Problem.badRequest("an export streams every match: drop limit and cursor, or ask for application/json")
    }
    let produce: @Sendable (HTTPBodyWriter) async throws -> Void
    switch route {
    case .listMigrations:
      let filter = try ListQuery(request.query).filter
      produce = { writer in
        try await self.streamPages(
          format, ExportFormat.jobColumns, to: writer,
          next: { cursor in
            let page = try await self.store.list(filter, limit: Self.exportPageSize, after: cursor)
            return (page.items, page.next)
          }, json: { JSONWriter.job($0) }, row: ExportFormat.jobRow)
      }
    case .listAudit:
      let filter = try AuditQuery(request.query).filter
      produce = { writer in
        try await self.streamPages(
          format, ExportFormat.auditColumns, to: writer,
          next: { cursor in
            let page = try await self.store.audit(filter, limit: Self.exportPageSize, after: cursor)
            return (page.items, page.next)
          }, json: { JSONWriter.auditRecord($0) }, row: ExportFormat.auditRow)
      }
    case .migrationEvents(let id):
      try checkEventsQuery(request)
      guard let events = try await store.events(id) else { throw Problem.notFound("no migration \(id)") }
      produce = { writer in
        try await self.streamPages(
          format, ExportFormat.eventColumns, to: writer, next: { (_: Int?) in (events, nil) },
          json: { JSONWriter.event($0) }, row: ExportFormat.eventRow)
      }
    default:
      preconditionFailure("only list routes export")
    }
    return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", format.contentType)])) { writer in
      do { try await produce(writer) } catch {
        self.logger.error("export ended early", ["route": route.pattern, "error": String(describing: error)])
      }
    }
  }

  /// Writes every page `next` yields (starting from nil) in `format`, waiting for the client
  /// after each chunk so that memory stays bounded.
  private func streamPages<Item, Cursor: Sendable>(
    _ format: ExportFormat, _ columns: [String], to writer: HTTPBodyWriter,
    next: @Sendable (Cursor?) async throws -> ([Item], Cursor?), json: (Item) -> [UInt8], row: (Item) -> [String]
  ) async throws {
    // Rows go out in chunks of about 64 KiB: a chunk per row would wake libmicrohttpd's thread
    // for every row.
    var chunk = format == .csv ? ExportFormat.csvLine(columns) : []
    var cursor: Cursor?
    repeat {
      let (items, following) = try await next(cursor)
      for item in items {
        chunk += format == .ndjson ? json(item) + [0x0A] : ExportFormat.csvLine(row(item))
        if chunk.count >= 64 << 10 {
          guard await writer.send(chunk) else { return }
          chunk.removeAll(keepingCapacity: true)
        }
      }
      cursor = following
    } while cursor != nil
    if !chunk.isEmpty { await writer.send(chunk) }
  }
}
