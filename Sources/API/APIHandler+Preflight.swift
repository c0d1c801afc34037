import Core
import HTTPServer

extension APIHandler {
  /// `POST /v1/preflight`: the same body as a migration; answers the report, creates nothing.
  func checkPreflight(_ request: HTTPRequest, _ principal: Principal) async throws -> HTTPResponse {
    try admitChange(request, principal)
    try requireJSON(request)
    try requireNoQuery(request)
    let requested = try MigrationRequestDecoder.decode(request.body)
    guard let preflight else {
      throw Problem.unavailable("this podhop has no cluster configured, so it cannot run pre-flight checks", retryAfter: 60)
    }
    let (migration, _) = try await choosingTarget(requested)
    do {
      return json(200, JSONWriter.preflight(try await preflight(migration)))
    } catch let error as StageError where error.isRetryable {
      throw Problem.unavailable("pre-flight could not ask the cluster: \(error.message)", retryAfter: 5)
    } catch let error as StageError {
      throw Problem.invalid(error.message)
    }
  }
}
