import Foundation

/// Keeps notifications away from addresses a subscriber URL should not reach: loopback
/// (127.0.0.0/8, ::1), link-local (169.254.0.0/16 — cloud metadata services live there —
/// fe80::/10) and unspecified addresses, unless allowed. The host is resolved here, every
/// address checked, and the checked addresses pinned for the connection.
public struct DestinationGuard: Sendable {
  /// Whether loopback and link-local destinations are allowed (tests, local receivers).
  public var allowPrivate: Bool

  public init(allowPrivate: Bool) { self.allowPrivate = allowPrivate }

  /// Why a destination was refused.
  public struct Refusal: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// The `HOST:PORT:ADDRESS` entries to pin for `url`, after checking every address its host
  /// resolves to.
  public func vet(_ url: String) throws(Refusal) -> [String] {
    guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
      throw Refusal(description: "\(url) is not a URL with a host")
    }
    let port = components.port ?? (components.scheme == "https" ? 443 : 80)
    let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
    let addresses = try Self.resolve(bareHost, port: port)
    if !allowPrivate, let blocked = addresses.first(where: Self.isPrivate) {
      throw Refusal(
        description: "\(host) resolves to \(blocked), a loopback or link-local address; such destinations are refused")
    }
    return addresses.map { "\(host):\(port):\($0.contains(":") ? "[\($0)]" : $0)" }
  }

  /// Whether `address` (numeric IPv4 or IPv6) is loopback, link-local or unspecified.
  static func isPrivate(_ address: String) -> Bool {
    var v4 = in_addr()
    if inet_pton(AF_INET, address, &v4) == 1 {
      let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
      return bytes[0] == 127 || bytes[0] == 0 || (bytes[0] == 169 && bytes[1] == 254)
    }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, address, &v6) == 1 else { return true }
    let bytes = withUnsafeBytes(of: v6) { Array($0) }
    if bytes[0..<15].allSatisfy({ $0 == 0 }) && (bytes[15] == 0 || bytes[15] == 1) { return true }  // :: and ::1
    if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10
    if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {  // ::ffff:a.b.c.d
      return isPrivate("\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])")
    }
    return false
  }

  /// The numeric addresses `host` resolves to (getaddrinfo; a numeric host resolves to itself).
  static func resolve(_ host: String, port: Int) throws(Refusal) -> [String] {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw Refusal(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
    }
    defer { freeaddrinfo(list) }
    var addresses: [String] = []
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let current = entry {
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      if getnameinfo(
        current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        == 0
      {
        let text = String(cString: buffer)
        if !addresses.contains(text) { addresses.append(text) }
      }
      entry = current.pointee.ai_next
    }
    guard !addresses.isEmpty else { throw Refusal(description: "\(host) resolves to no address") }
    return addresses
  }
}
