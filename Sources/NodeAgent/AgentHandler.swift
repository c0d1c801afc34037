import API
import Core
import Foundation
import HTTPServer
import Stages

/// The node agent's HTTP API: every request needs the agent token (there is no
/// unauthenticated endpoint; probes use a TCP check). Errors are `application/problem+json`.
///
/// ```
/// GET    /v1/archives                  archives on this node, oldest first
/// POST   /v1/archives/{file}/inspect   validate one; what the build stage needs
/// DELETE /v1/archives/{file}           delete one (409 while it is being published)
/// POST   /v1/publications              start (or join) a migration's publication: 202 / 200
/// GET    /v1/publications/{id}         state, bytes, digest or error
/// DELETE /v1/publications/{id}         cancel the upload and forget it
/// ```
public struct AgentHandler: Sendable {
  let token: AgentToken
  let directory: ArchiveDirectory
  let publications: Publications
  let logger: Logger

  public init(token: AgentToken, directory: ArchiveDirectory, publications: Publications, logger: Logger) {
    self.token = token
    self.directory = directory
    self.publications = publications
    self.logger = logger
  }

  /// Answers one request.
  public func handle(_ request: HTTPRequest) async -> HTTPResponse {
    guard token.accepts(authorization: request.headers["Authorization"]) else {
      return Problem(
        status: 401, slug: "unauthenticated", title: "Unauthenticated",
        detail: "send the agent token as 'Authorization: Bearer <token>'"
      ).response(instance: request.path)
    }
    do {
      return try await route(request)
    } catch let problem as Problem {
      return problem.response(instance: request.path)
    } catch {
      logger.error("agent request failed", ["path": request.path, "error": String(describing: error)])
      return Problem(
        status: 500, slug: "internal", title: "Internal server error",
        detail: "an unexpected error occurred; the agent's log has the cause"
      ).response(instance: request.path)
    }
  }

  /// Answers a request the server refused before reading its body.
  public func rejection(_ rejection: HTTPRejection, _ request: HTTPRequest) -> HTTPResponse {
    let problem =
      switch rejection {
      case .bodyTooLarge(let limit):
        Problem(
          status: 413, slug: "payload-too-large", title: "Payload too large", detail: "bodies are limited to \(limit) bytes")
      case .conflictingLengthHeaders:
        Problem(
          status: 400, slug: "bad-request", title: "Bad request",
          detail: "a request must not carry both Content-Length and Transfer-Encoding")
      case .malformedRequest(let reason):
        Problem(status: 400, slug: "bad-request", title: "Bad request", detail: reason)
      }
    return problem.response(instance: request.path)
  }

  private func route(_ request: HTTPRequest) async throws -> HTTPResponse {
    let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    guard parts.count >= 2, parts[0] == "v1" else { throw Self.notFound(request) }
    switch (request.method, parts[1], parts.count) {
    case ("GET", "archives", 2): return try listArchives()
    case ("POST", "archives", 4) where parts[3] == "inspect": return try await inspect(parts[2])
    case ("DELETE", "archives", 3): return try await deleteArchive(parts[2])
    case ("POST", "publications", 2): return try await startPublication(request.body)
    case ("GET", "publications", 3): return try await publication(parts[2])
    case ("DELETE", "publications", 3): return try await cancelPublication(parts[2])
    case (_, "archives", 2): return Self.methodNotAllowed(request, allow: "GET")
    case (_, "archives", 3): return Self.methodNotAllowed(request, allow: "DELETE")
    case (_, "archives", 4) where parts[3] == "inspect": return Self.methodNotAllowed(request, allow: "POST")
    case (_, "publications", 2): return Self.methodNotAllowed(request, allow: "POST")
    case (_, "publications", 3): return Self.methodNotAllowed(request, allow: "GET, DELETE")
    default: throw Self.notFound(request)
    }
  }

  private static func notFound(_ request: HTTPRequest) -> Problem {
    Problem(status: 404, slug: "not-found", title: "Not found", detail: "no resource at \(request.path)")
  }

  private static func methodNotAllowed(_ request: HTTPRequest, allow: String) -> HTTPResponse {
    var response = Problem(
      status: 405, slug: "method-not-allowed", title: "Method not allowed",
      detail: "\(request.method) is not allowed on \(request.path); allowed: \(allow)"
    ).response(instance: request.path)
    response.headers.add("Allow", allow)
    return response
  }

  /// A JSON response of `value`.
  static func json(_ status: Int, _ value: some Encodable) throws -> HTTPResponse {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return HTTPResponse(
      status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array(try encoder.encode(value)))
  }
}
