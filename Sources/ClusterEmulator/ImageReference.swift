import Crypto

/// An image reference split the way container runtimes read it, with Docker Hub defaults.
struct ImageReference: Sendable, Equatable {
  /// Registry host, e.g. "docker.io" or "127.0.0.1:5000".
  var host: String
  /// Repository path, e.g. "library/nginx".
  var repository: String
  var tag: String?
  var digest: String?

  init(_ text: String) {
    var rest = text
    if let at = rest.firstIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = String(rest[..<at])
    }
    let slash = rest.firstIndex(of: "/")
    if let slash {
      let first = rest[..<slash]
      if first.contains(".") || first.contains(":") || first == "localhost" {
        host = String(first)
        rest = String(rest[rest.index(after: slash)...])
      } else {
        host = "docker.io"
      }
    } else {
      host = "docker.io"
    }
    if let colon = rest.lastIndex(of: ":") {
      tag = String(rest[rest.index(after: colon)...])
      rest = String(rest[..<colon])
    }
    if host == "docker.io" && !rest.contains("/") { rest = "library/" + rest }
    repository = rest
    if tag == nil && digest == nil { tag = "latest" }
  }

  /// `host/repository`.
  var name: String { host + "/" + repository }

  /// Fully qualified: `docker.io/library/nginx:1.25`, `…@sha256:…`.
  var normalized: String {
    var text = name
    if let tag { text += ":" + tag }
    if let digest { text += "@" + digest }
    return text
  }

  /// The Kubernetes default pull policy: Always for `:latest` or no tag without a digest.
  var defaultPullPolicy: String {
    digest == nil && (tag == nil || tag == "latest") ? "Always" : "IfNotPresent"
  }

  /// A stable 64-hex stand-in for an image ID, derived from a name.
  static func syntheticID(for name: String) -> String {
    SHA256.hexDigest(Array(("podhop-emulator-image:" + ImageReference(name).normalized).utf8))
  }
}
