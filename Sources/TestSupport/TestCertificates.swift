import Foundation

/// A private CA with a server certificate for 127.0.0.1 and a client certificate, made with the
/// `openssl` CLI in a directory the test owns. Keys are unencrypted P-256 PEM (PKCS#8).
public struct TestCertificates: Sendable {
  /// The directory holding the files below.
  public let directory: String
  /// `ca.crt`: the self-signed CA certificate.
  public var caPath: String { directory + "/ca.crt" }
  /// `server.crt`: CN and SAN `IP:127.0.0.1`, `DNS:localhost`; `serverAuth`.
  public var serverCertificatePath: String { directory + "/server.crt" }
  /// `server.key`.
  public var serverKeyPath: String { directory + "/server.key" }
  /// `client.crt`: CN `podhop-test-client`; `clientAuth`.
  public var clientCertificatePath: String { directory + "/client.crt" }
  /// `client.key`.
  public var clientKeyPath: String { directory + "/client.key" }

  /// The CA certificate's PEM bytes.
  public var caPEM: [UInt8] { Self.bytes(caPath) }
  /// The client certificate's PEM bytes.
  public var clientCertificatePEM: [UInt8] { Self.bytes(clientCertificatePath) }
  /// The client key's PEM bytes.
  public var clientKeyPEM: [UInt8] { Self.bytes(clientKeyPath) }

  /// Generates a CA, a server and a client certificate in `directory` (created if missing).
  public static func generate(in directory: String) async throws -> TestCertificates {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let certificates = TestCertificates(directory: directory)
    let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    try await runTool(
      "/usr/bin/openssl",
      ["req", "-x509"] + ecKey + [
        "-keyout", directory + "/ca.key", "-out", certificates.caPath, "-days", "2",
        "-subj", "/CN=podhop-test-ca", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      ])
    try await issue(
      name: "server", subject: "/CN=127.0.0.1",
      extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
      in: directory, ecKey: ecKey)
    try await issue(
      name: "client", subject: "/CN=podhop-test-client",
      extensions: "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
      in: directory, ecKey: ecKey)
    return certificates
  }

  private static func issue(
    name: String, subject: String, extensions: String, in directory: String, ecKey: [String]
  ) async throws {
    let base = directory + "/" + name
    try extensions.write(toFile: base + ".ext", atomically: true, encoding: .utf8)
    try await runTool(
      "/usr/bin/openssl", ["req", "-new"] + ecKey + ["-keyout", base + ".key", "-out", base + ".csr", "-subj", subject])
    try await runTool(
      "/usr/bin/openssl",
      [
        "x509", "-req", "-in", base + ".csr", "-CA", directory + "/ca.crt", "-CAkey", directory + "/ca.key",
        "-CAcreateserial", "-out", base + ".crt", "-days", "2", "-extfile", base + ".ext",
      ])
  }

  private static func bytes(_ path: String) -> [UInt8] {
    (FileManager.default.contents(atPath: path)).map { [UInt8]($0) } ?? []
  }
}

/// Why a command-line tool run by `runTool` failed.
public struct ToolError: Error, CustomStringConvertible {
  /// The command and its output.
  public var description: String

  /// Creates an error with a description.
  public init(description: String) { self.description = description }
}

/// Runs `executable` with `arguments` off the cooperative pool and returns its standard output;
/// throws `ToolError` with stderr on a non-zero exit.
@discardableResult
public func runTool(_ executable: String, _ arguments: [String], standardInput: [UInt8]? = nil) async throws -> [UInt8] {
  let result = try await Command.run(executable, arguments, standardInput: standardInput)
  guard result.status == 0 else {
    throw ToolError(
      description: "\(executable) \(arguments.joined(separator: " ")) exited with \(result.status): \(result.stderr)")
  }
  return result.stdout
}
