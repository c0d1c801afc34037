/// A complete response: status, headers and (for `send`) the body.
public struct HTTPClientResponse: Sendable {
  /// The final status code (interim `1xx` responses are skipped).
  public var status: Int
  /// The final response's header fields.
  public var headers: ResponseHeaders
  /// The body. For `HTTPClient.stream` it is empty for a 2xx response (the bytes went to
  /// `onData`) and holds the error body otherwise.
  public var body: [UInt8]

  /// Creates a response.
  public init(status: Int, headers: ResponseHeaders = .init(), body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }
}

/// Response header fields in arrival order; lookups ignore ASCII case, and a name may repeat.
public struct ResponseHeaders: Sendable {
  /// The fields as received, value trimmed of surrounding whitespace.
  public var pairs: [(name: String, value: String)]

  /// Creates headers from pairs.
  public init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

  /// The first value of `name`, or `nil`.
  public subscript(name: String) -> String? {
    pairs.first { Self.equalIgnoringCase($0.name, name) }?.value
  }

  /// Every value of `name`, in order.
  public func values(_ name: String) -> [String] {
    pairs.filter { Self.equalIgnoringCase($0.name, name) }.map(\.value)
  }

  /// Whether `name` is present.
  public func contains(_ name: String) -> Bool { self[name] != nil }

  static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count
      && zip(a.utf8, b.utf8).allSatisfy { asciiLower($0) == asciiLower($1) }
  }

  private static func asciiLower(_ byte: UInt8) -> UInt8 {
    (65...90).contains(byte) ? byte + 32 : byte
  }
}
