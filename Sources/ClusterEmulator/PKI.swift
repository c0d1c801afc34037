import Foundation

/// The emulator's private CA and the serving certificate for 127.0.0.1 that the API server and
/// every kubelet present, generated at start with the `openssl` CLI.
struct PKI: Sendable {
  var caPath: String
  var caPEM: [UInt8]
  var certificatePEM: [UInt8]
  var keyPEM: [UInt8]

  /// Generates (or reuses, if all files exist) `ca.crt`, `server.crt`, `server.key` in `directory`.
  static func prepare(in directory: String) async throws -> PKI {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let ca = directory + "/ca.crt"
    let caKey = directory + "/ca.key"
    let certificate = directory + "/server.crt"
    let key = directory + "/server.key"
    let files = [ca, caKey, certificate, key]
    if !files.allSatisfy(FileManager.default.fileExists(atPath:)) {
      let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
      try await ToolRunner.run(
        "/usr/bin/openssl",
        ["req", "-x509"] + ecKey + [
          "-keyout", caKey, "-out", ca, "-days", "30", "-subj", "/CN=podhop-cluster-emulator-ca",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
      let extensions = directory + "/server.ext"
      try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
        .write(toFile: extensions, atomically: true, encoding: .utf8)
      try await ToolRunner.run(
        "/usr/bin/openssl",
        ["req", "-new"] + ecKey + ["-keyout", key, "-out", directory + "/server.csr", "-subj", "/CN=kube-apiserver"])
      try await ToolRunner.run(
        "/usr/bin/openssl",
        [
          "x509", "-req", "-in", directory + "/server.csr", "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
          "-out", certificate, "-days", "30", "-extfile", extensions,
        ])
      for file in [caKey, key] { chmod(file, 0o600) }
    }
    func read(_ path: String) throws -> [UInt8] {
      guard let data = FileManager.default.contents(atPath: path) else { throw EmulatorError("cannot read \(path)") }
      return [UInt8](data)
    }
    return PKI(caPath: ca, caPEM: try read(ca), certificatePEM: try read(certificate), keyPEM: try read(key))
  }
}
