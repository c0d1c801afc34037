/// A repository in a registry, optionally with a tag and/or digest:
/// `registry.example:5000/team/app:v1` or `…/app@sha256:…`.
///
/// The registry host is required (no implicit `docker.io`): podhop pushes to registries it is
/// configured for, and guessing one would send images and credentials to the wrong place.
public struct RegistryReference: Sendable, Equatable, CustomStringConvertible {
  /// `host[:port]`, as used for credentials and `plainHTTPRegistries`.
  public var registry: String
  /// The repository name, e.g. `team/app`: lowercase path components.
  public var repository: String
  /// The tag, if any.
  public var tag: String?
  /// The digest, `algorithm:hex`, if any.
  public var digest: String?

  /// Creates a reference from parts (not validated; use `parse` for text from users).
  public init(registry: String, repository: String, tag: String? = nil, digest: String? = nil) {
    self.registry = registry
    self.repository = repository
    self.tag = tag
    self.digest = digest
  }

  /// Parses `host[:port]/name[:tag][@digest]`.
  ///
  /// - Throws: `RegistryError` with code `.configuration` saying which part is malformed.
  public static func parse(_ text: String) throws(RegistryError) -> RegistryReference {
    var rest = Substring(text)
    var digest: String?
    if let at = rest.lastIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = rest[..<at]
      guard isValidDigest(digest!) else {
        throw invalid(text, "the digest must look like sha256:<64 hex digits>")
      }
    }
    guard let slash = rest.firstIndex(of: "/") else {
      throw invalid(text, "include the registry host, e.g. registry.example:5000/name:tag")
    }
    let registry = String(rest[..<slash])
    guard registry.contains(".") || registry.contains(":") || registry == "localhost", isValidHost(registry)
    else {
      throw invalid(text, "'\(registry)' is not a registry host; include it, e.g. registry.example:5000/name:tag")
    }
    var name = rest[rest.index(after: slash)...]
    var tag: String?
    if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
      tag = String(name[name.index(after: colon)...])
      name = name[..<colon]
      guard isValidTag(tag!) else {
        throw invalid(text, "the tag must be 1–128 of [A-Za-z0-9_.-], not starting with '.' or '-'")
      }
    }
    guard isValidRepository(name) else {
      throw invalid(
        text, "the repository must be lowercase components of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/'")
    }
    return RegistryReference(registry: registry, repository: String(name), tag: tag, digest: digest)
  }

  /// `registry/repository[:tag][@digest]`.
  public var description: String {
    var text = "\(registry)/\(repository)"
    if let tag { text += ":\(tag)" }
    if let digest { text += "@\(digest)" }
    return text
  }

  private static func invalid(_ text: String, _ reason: String) -> RegistryError {
    RegistryError(code: .configuration, message: "invalid image reference '\(text)': \(reason)")
  }

  static func isValidDigest(_ digest: String) -> Bool {
    let parts = digest.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty else { return false }
    let algorithm = parts[0].utf8
    guard algorithm.allSatisfy({ isLowerAlphanumeric($0) || "+._-".utf8.contains($0) }) else { return false }
    let hex = parts[1].utf8
    if parts[0] == "sha256" {
      return hex.count == 64 && hex.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
    return hex.count >= 32 && hex.allSatisfy { isLowerAlphanumeric($0) || (65...90).contains($0) || "=_-".utf8.contains($0) }
  }

  static func isValidTag(_ tag: String) -> Bool {
    let bytes = Array(tag.utf8)
    guard (1...128).contains(bytes.count), bytes[0] != UInt8(ascii: "."), bytes[0] != UInt8(ascii: "-") else {
      return false
    }
    return bytes.allSatisfy { isLowerAlphanumeric($0) || (65...90).contains($0) || "_.-".utf8.contains($0) }
  }

  static func isValidRepository(_ name: Substring) -> Bool {
    guard !name.isEmpty, name.utf8.count <= 255 else { return false }
    return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
      // [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
      let bytes = Array(component.utf8)
      guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last)
      else { return false }
      var index = 0
      while index < bytes.count {
        if isLowerAlphanumeric(bytes[index]) {
          index += 1
          continue
        }
        var end = index
        while end < bytes.count, !isLowerAlphanumeric(bytes[end]) { end += 1 }
        let separator = String(decoding: bytes[index..<end], as: UTF8.self)
        guard separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" })
        else { return false }
        index = end
      }
      return true
    }
  }

  private static func isValidHost(_ host: String) -> Bool {
    !host.isEmpty && host.utf8.allSatisfy { isLowerAlphanumeric($0) || (65...90).contains($0) || ".:-[]".utf8.contains($0) }
  }

  private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
    (48...57).contains(byte) || (97...122).contains(byte)
  }
}
