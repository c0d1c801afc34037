import Foundation
import HTTPClient

/// Authorization for one registry: learns the scheme from 401 challenges, then attaches basic
/// credentials or a bearer token (fetched from the challenge's realm and cached per scope until
/// it expires) to each request.
///
/// An actor because token fetches await. Tokens and credentials stay inside it; nothing here
/// puts them into an error message.
actor RegistryAuthenticator {
  private enum Scheme {
    case anonymous
    case basic
    case bearer(realm: String, service: String?)
  }

  private struct Token {
    var value: String
    var expires: ContinuousClock.Instant
  }

  private let registry: String
  private let baseURL: String
  private let credentials: RegistryCredentials?
  private let http: HTTPClient
  private var scheme = Scheme.anonymous
  private var tokens: [String: Token] = [:]

  init(registry: String, baseURL: String, credentials: RegistryCredentials?, http: HTTPClient) {
    self.registry = registry
    self.baseURL = baseURL
    self.credentials = credentials
    self.http = http
  }

  /// The `Authorization` value for a request to `url` needing `scope`, or `nil` (anonymous, or
  /// a URL outside the registry, which never gets the registry's credentials).
  func authorization(scope: String, url: String) async throws(RegistryError) -> String? {
    guard url.hasPrefix(baseURL + "/") else { return nil }
    switch scheme {
    case .anonymous:
      return nil
    case .basic:
      return basicHeader()
    case .bearer(let realm, let service):
      if let token = tokens[scope], token.expires > .now { return "Bearer \(token.value)" }
      let token = try await fetchToken(realm: realm, service: service, scopes: [scope])
      tokens[scope] = token
      return "Bearer \(token.value)"
    }
  }

  /// Handles a 401 for a request that needed `scope` and was sent with `sentAuthorization`.
  /// Returns true when the request should be sent again (with `authorization(scope:url:)`).
  func respond(toChallenges headers: [String], scope: String, sentAuthorization: String?) async throws(RegistryError)
    -> Bool
  {
    let challenges = headers.compactMap(AuthenticationChallenge.parse)
    if let bearer = challenges.first(where: { $0.scheme == "bearer" }), let realm = bearer.parameters["realm"] {
      let wasBearer = sentAuthorization?.hasPrefix("Bearer ") ?? false
      scheme = .bearer(realm: realm, service: bearer.parameters["service"])
      // A rejected token: drop it and fetch once more (it may have expired early).
      tokens[scope] = nil
      var scopes = [scope]
      if let asked = bearer.parameters["scope"], asked != scope { scopes.append(asked) }
      let token = try await fetchToken(realm: realm, service: bearer.parameters["service"], scopes: scopes)
      tokens[scope] = token
      return !wasBearer || sentAuthorization != "Bearer \(token.value)"
    }
    if challenges.contains(where: { $0.scheme == "basic" }) {
      let hadBasic = sentAuthorization?.hasPrefix("Basic ") ?? false
      guard credentials?.username != nil, !hadBasic else { return false }
      scheme = .basic
      return true
    }
    return false
  }

  private func basicHeader() -> String? {
    guard let username = credentials?.username, let password = credentials?.password else { return nil }
    return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
  }

  /// GET (or, with an identity token, POST) the token endpoint for `scopes`.
  private func fetchToken(realm: String, service: String?, scopes: [String]) async throws(RegistryError) -> Token {
    var query: [(String, String)] = []
    if let service { query.append(("service", service)) }
    for scope in scopes { query.append(("scope", scope)) }
    let realmHost = URLText.hostAndPath(realm)
    var request: HTTPClientRequest
    if let identityToken = credentials?.identityToken {
      var form = query
      form += [("grant_type", "refresh_token"), ("refresh_token", identityToken), ("client_id", "podhop")]
      request = HTTPClientRequest(
        method: "POST", url: realm,
        headers: [("Content-Type", "application/x-www-form-urlencoded")],
        body: .bytes(Array(URLText.formEncoded(form).utf8)), timeout: .seconds(60))
    } else {
      request = HTTPClientRequest(
        url: realm + (realm.contains("?") ? "&" : "?") + URLText.formEncoded(query), timeout: .seconds(60))
      if let basic = basicHeader() { request.headers.append(("Authorization", basic)) }
    }
    let response: HTTPClientResponse
    do {
      response = try await http.send(request)
    } catch {
      throw RegistryError(
        code: .transport, message: "could not reach the token server \(realmHost) for \(registry): \(error.message)",
        isRetryable: error.isRetryable)
    }
    guard response.status == 200 else {
      let base = RegistryError.from(
        response, doing: "get a token from \(realmHost) for \(registry)", scope: scopes.joined(separator: " "))
      if response.status == 401 || response.status == 403 {
        throw RegistryError(
          code: response.status == 401 ? .unauthorized : .forbidden,
          message: "the token server \(realmHost) refused "
            + (credentials == nil ? "anonymous access" : "the configured credentials")
            + " for \(registry) scope '\(scopes.joined(separator: " "))'. Check the credentials for \(registry).")
      }
      throw base
    }
    struct TokenResponse: Decodable {
      var token: String?
      var accessToken: String?
      var expiresIn: Int?

      enum CodingKeys: String, CodingKey {
        case token
        case accessToken = "access_token"
        case expiresIn = "expires_in"
      }
    }
    guard let decoded = try? JSONDecoder().decode(TokenResponse.self, from: Data(response.body)),
      let value = decoded.token ?? decoded.accessToken, !value.isEmpty
    else {
      throw RegistryError(code: .invalid, message: "the token server \(realmHost) answered without a token")
    }
    // The distribution spec's default lifetime is 60 s; refresh a little early.
    let lifetime = max(decoded.expiresIn ?? 60, 1)
    let margin = min(10, lifetime / 10)
    return Token(value: value, expires: .now + .seconds(lifetime - margin))
  }
}
