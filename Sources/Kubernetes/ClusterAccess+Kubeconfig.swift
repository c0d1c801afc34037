import Foundation
import HTTPClient
import YAML

extension ClusterAccess {
  /// Access as a kubeconfig file describes it, for `context` or else the file's
  /// `current-context`.
  ///
  /// Read from the context's cluster: `server`, `certificate-authority-data` (base64) or
  /// `certificate-authority` (a file; relative paths are relative to the kubeconfig's
  /// directory), `insecure-skip-tls-verify`. From its user: `token` or `tokenFile`,
  /// `client-certificate(-data)` and `client-key(-data)`. As in kubectl, `*-data` wins over the
  /// file form and `token` over `tokenFile`. A context without a user means anonymous access.
  ///
  /// Not supported, with an error saying so: `exec` credential plugins, `auth-provider` and
  /// basic auth. Ignored: `tls-server-name`, `proxy-url`, and merging several files.
  ///
  /// Throws `.configuration` naming the missing piece and the file, such as
  /// "context 'x' not found in /path"; messages never quote credentials.
  public static func kubeconfig(path: String, context: String? = nil) throws(KubernetesError) -> ClusterAccess {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KubernetesError(code: .configuration, message: "cannot read kubeconfig \(path): it is missing or not readable")
    }
    let document: YAMLNode
    do {
      document = try YAMLDocument.parse(bytes: [UInt8](data))
    } catch {
      throw KubernetesError(code: .configuration, message: "kubeconfig \(path) is not valid YAML: \(error)")
    }
    let file = KubeconfigFile(path: path, document: document)
    return try file.access(context: context)
  }
}

/// One parsed kubeconfig file and the rules for reading credentials out of it.
private struct KubeconfigFile {
  let path: String
  let document: YAMLNode

  /// The kubeconfig's directory, with a trailing `/`, for resolving relative file references.
  var directory: String {
    let url = URL(fileURLWithPath: path).deletingLastPathComponent()
    return url.path.hasSuffix("/") ? url.path : url.path + "/"
  }

  func access(context requested: String?) throws(KubernetesError) -> ClusterAccess {
    let contextName: String
    if let requested, !requested.isEmpty {
      contextName = requested
    } else if let current = document["current-context"]?.string, !current.isEmpty {
      contextName = current
    } else {
      throw failure("\(path) has no current-context; name the context to use")
    }
    guard let context = named(contextName, in: "contexts", field: "context") else {
      throw failure("context '\(contextName)' not found in \(path)")
    }
    guard let clusterName = context["cluster"]?.string, !clusterName.isEmpty else {
      throw failure("context '\(contextName)' in \(path) names no cluster")
    }
    guard let cluster = named(clusterName, in: "clusters", field: "cluster") else {
      throw failure("cluster '\(clusterName)' (used by context '\(contextName)') not found in \(path)")
    }
    guard let server = cluster["server"]?.string, !server.isEmpty else {
      throw failure("cluster '\(clusterName)' in \(path) has no server")
    }
    guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
      throw failure("the server of cluster '\(clusterName)' in \(path) is not an http(s) URL: \(server)")
    }

    var tls = TLSConfiguration()
    tls.caPEM = try pem(
      in: cluster, dataKey: "certificate-authority-data", fileKey: "certificate-authority",
      owner: "cluster '\(clusterName)'")
    tls.insecureSkipVerify = flag(cluster["insecure-skip-tls-verify"])

    var token: TokenSource?
    if let userName = context["user"]?.string, !userName.isEmpty {
      guard let user = named(userName, in: "users", field: "user") else {
        throw failure("user '\(userName)' (used by context '\(contextName)') not found in \(path)")
      }
      let owner = "user '\(userName)'"
      tls.clientCertificatePEM = try pem(
        in: user, dataKey: "client-certificate-data", fileKey: "client-certificate", owner: owner)
      tls.clientKeyPEM = try pem(in: user, dataKey: "client-key-data", fileKey: "client-key", owner: owner)
      if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
        throw failure("\(owner) in \(path) has a client certificate or a client key but not both")
      }
      if let value = user["token"]?.string, !value.isEmpty {
        token = TokenSource(token: value)
      } else if let file = user["tokenFile"]?.string, !file.isEmpty {
        token = TokenSource(file: resolved(file))
        _ = try token?.current()
      }
      if token == nil && tls.clientCertificatePEM == nil {
        for (key, what) in [
          ("exec", "an exec credential plugin"), ("auth-provider", "an auth-provider"),
          ("username", "basic authentication"),
        ] where user[key] != nil {
          throw failure(
            "\(owner) in \(path) uses \(what), which podhop does not support; "
              + "give it a token, tokenFile or client certificate instead")
        }
      }
    }
    let namespace = context["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    return ClusterAccess(server: server, tls: tls, bearerToken: token, namespace: namespace)
  }

  /// The `field` mapping of the first entry of list `list` whose `name` is `name`.
  private func named(_ name: String, in list: String, field: String) -> YAMLNode? {
    for entry in document[list]?.array ?? [] where entry["name"]?.string == name {
      // An entry with the name but no body counts as empty, not as missing.
      return entry[field] ?? .mapping([])
    }
    return nil
  }

  /// PEM bytes from base64 `dataKey`, else from the file `fileKey`; `nil` when neither is set.
  private func pem(in node: YAMLNode, dataKey: String, fileKey: String, owner: String) throws(KubernetesError)
    -> [UInt8]?
  {
    if let encoded = node[dataKey]?.string, !encoded.isEmpty {
      guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !data.isEmpty else {
        throw failure("\(dataKey) of \(owner) in \(path) is not valid base64")
      }
      return [UInt8](data)
    }
    if let file = node[fileKey]?.string, !file.isEmpty {
      let full = resolved(file)
      guard let data = FileManager.default.contents(atPath: full) else {
        throw failure("cannot read \(fileKey) \(full) of \(owner) in \(path)")
      }
      return [UInt8](data)
    }
    return nil
  }

  /// `file` made absolute against the kubeconfig's directory.
  private func resolved(_ file: String) -> String {
    file.hasPrefix("/") ? file : directory + file
  }

  private func flag(_ node: YAMLNode?) -> Bool {
    node?.bool ?? (node?.string?.lowercased() == "true")
  }

  private func failure(_ message: String) -> KubernetesError {
    KubernetesError(code: .configuration, message: message)
  }
}
