/// An HTTP request as the application sees it: head and complete body.
///
/// The server hands one to the handler only after the whole body has arrived
/// and stayed within `HTTPServerConfiguration.maxBodyBytes`.
public struct HTTPRequest: Sendable {
  /// The request method as sent, e.g. `"GET"`.
  public var method: String
  /// The percent-decoded path without the query, e.g. `"/v1/migrations/abc"`.
  public var path: String
  /// The decoded query arguments in the order they appeared; `?flag` yields an empty value.
  public var query: [(name: String, value: String)]
  /// The request header fields.
  public var headers: HTTPHeaders
  /// The complete request body (empty when there is none).
  public var body: [UInt8]
  /// The peer's numeric IP address, e.g. `"127.0.0.1"`; empty if unknown.
  public var remoteAddress: String

  /// Creates a request; the server builds these itself, tests of the application use this.
  public init(
    method: String,
    path: String,
    query: [(name: String, value: String)] = [],
    headers: HTTPHeaders = .init(),
    body: [UInt8] = [],
    remoteAddress: String = ""
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
    self.remoteAddress = remoteAddress
  }

  /// The first value of the query argument `name` (case-sensitive), or `nil`.
  public func queryValue(_ name: String) -> String? {
    query.first { $0.name == name }?.value
  }
}
