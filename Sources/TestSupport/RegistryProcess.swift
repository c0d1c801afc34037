import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Debian's `docker-registry` (distribution 2.8) running on 127.0.0.1 for one test.
///
/// Storage, config, certificates and the log live in a temporary directory the instance owns.
/// A small `sh` wrapper starts a watcher that kills the registry when the test runner
/// disappears (it polls the runner's pid every 0.2 s), then execs the registry; so a crashed or
/// killed test run leaves no registry behind. `stop()` SIGKILLs the registry (a crash, which is
/// also what fault tests want).
///
/// ```swift
/// let registry = try await RegistryProcess.start(.plainHTTP)
/// defer { registry.stop() }
/// // push to registry.address ...
/// ```
public final class RegistryProcess: Sendable {
  /// How the registry is configured.
  public enum Variant: Sendable {
    /// Plain HTTP, anonymous.
    case plainHTTP
    /// Plain HTTP with htpasswd basic auth (a bcrypt entry made with `htpasswd -Bbn`).
    case basicAuth
    /// HTTPS with a certificate for 127.0.0.1 from a private CA (`caPEM`), anonymous.
    case tls
  }

  /// "127.0.0.1:PORT".
  public var address: String { "127.0.0.1:\(port)" }
  /// The bound port; the same across `restart()`.
  public let port: UInt16
  /// The variant it runs.
  public let variant: Variant
  /// The CA that signed the server certificate, for `.tls`.
  public let caPEM: [UInt8]?
  /// The user for `.basicAuth`.
  public let username: String?
  /// The password for `.basicAuth`.
  public let password: String?
  /// The directory with `config.yml`, `storage/`, `registry.log` and certificates.
  public let directory: TemporaryDirectory

  /// The running wrapper process (`nil` once stopped). `Process` is not Sendable; it is only
  /// touched under this lock.
  private let process: Mutex<Process?>

  private var configPath: String { directory.file("config.yml") }
  /// The registry's combined output.
  public var logPath: String { directory.file("registry.log") }

  private init(
    port: UInt16, variant: Variant, caPEM: [UInt8]?, username: String?, password: String?,
    directory: TemporaryDirectory, process: sending Process
  ) {
    self.port = port
    self.variant = variant
    self.caPEM = caPEM
    self.username = username
    self.password = password
    self.directory = directory
    self.process = Mutex(process)
  }

  deinit {
    // Safety net for a test that forgot stop().
    process.withLock { process in
      if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    directory.remove()
  }

  /// Configures and starts a registry, waiting (bounded) until `GET /v2/` answers.
  public static func start(_ variant: Variant) async throws -> RegistryProcess {
    let directory = try TemporaryDirectory()
    var caPEM: [UInt8]?
    var username: String?
    var password: String?
    var auth = ""
    var tls = ""
    switch variant {
    case .plainHTTP:
      break
    case .basicAuth:
      username = "podhop"
      password = "pw-" + UUID().uuidString.lowercased()
      let entry = try await runTool("/usr/bin/htpasswd", ["-Bbn", username!, password!])
      try Data(entry).write(to: URL(fileURLWithPath: directory.file("htpasswd")))
      auth = """
        auth:
          htpasswd:
            realm: podhop-test
            path: \(directory.file("htpasswd"))

        """
    case .tls:
      let certificates = try await TestCertificates.generate(in: directory.file("certs"))
      caPEM = certificates.caPEM
      tls = """
          tls:
            certificate: \(certificates.serverCertificatePath)
            key: \(certificates.serverKeyPath)

        """
    }
    var lastError: (any Error)?
    // A port picked by binding port 0 can be taken by someone else before the registry binds
    // it; try a few.
    for _ in 0..<3 {
      let port = try freePort()
      let config = """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: \(directory.file("storage"))
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:\(port)
          # Fixed, so upload URLs (whose _state is HMAC-signed with it) survive restart().
          secret: podhop-test-secret
        \(tls)\(auth)
        """
      try config.write(toFile: directory.file("config.yml"), atomically: true, encoding: .utf8)
      let process = try launch(config: directory.file("config.yml"), log: directory.file("registry.log"))
      let registry = RegistryProcess(
        port: port, variant: variant, caPEM: caPEM, username: username, password: password,
        directory: directory, process: process)
      do {
        try await registry.waitUntilReady()
        return registry
      } catch {
        lastError = error
        await registry.stopProcess()
      }
    }
    throw lastError ?? ToolError(description: "docker-registry did not start")
  }

  /// Kills the registry (SIGKILL) and waits (bounded) for it and its wrapper to exit. The
  /// storage stays until the instance is released. Idempotent.
  public func stop() async {
    await stopProcess()
  }

  /// Stops and starts the registry again on the same port with the same storage.
  public func restart() async throws {
    await stopProcess()
    let process = try Self.launch(config: configPath, log: logPath)
    self.process.withLock { $0 = process }
    try await waitUntilReady()
  }

  /// The registry's log, for failure messages.
  public func log() -> String {
    (FileManager.default.contents(atPath: logPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  private func stopProcess() async {
    let running: Process? = process.withLock { process in
      defer { process = nil }
      return process
    }
    guard let running, running.isRunning else { return }
    // The wrapper exec'd the registry, so this pid is the registry itself. SIGKILL, because
    // signals the test runner blocks or ignores stay so in its children; a crash is also what
    // fault tests want. Then poll, bounded, until the child is reaped.
    let pid = running.processIdentifier
    kill(pid, SIGKILL)
    _ = await eventually(timeout: .seconds(10), every: .milliseconds(10)) {
      !running.isRunning || Self.reap(pid)
    }
  }

  /// Whether `pid` has exited, reaping it if Foundation has not yet (its SIGCHLD-driven
  /// monitor can lag); "no such child" means someone already reaped it.
  private static func reap(_ pid: Int32) -> Bool {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    return result == pid || (result == -1 && errno == ECHILD)
  }

  private func waitUntilReady() async throws {
    let port = self.port
    let ready = await eventually(timeout: .seconds(15), every: .milliseconds(50)) { [self] in
      guard process.withLock({ $0?.isRunning ?? false }) else { return true }
      // TLS variant: Go answers a plain-HTTP request on a TLS port with 400, which still shows
      // the server is serving.
      guard let response = try? await RawHTTPClient.get(port: port, "/v2/", timeout: .seconds(2)) else {
        return false
      }
      return [200, 401, 400].contains(response.status)
    }
    let running = process.withLock { $0?.isRunning ?? false }
    guard ready, running else {
      throw ToolError(description: "docker-registry on \(address) did not become ready; log:\n\(log())")
    }
  }

  private static func launch(config: String, log: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    let runner = getpid()
    // $1 config, $2 log, $3 the test runner's pid. A background watcher kills the registry
    // once the runner is gone; then the shell execs the registry, so the Process's pid is the
    // registry's (no `wait` builtin, which hangs when the runner's threads block SIGCHLD).
    let script = """
      registry=$$
      (
        while kill -0 "$3" 2>/dev/null && kill -0 "$registry" 2>/dev/null; do sleep 0.2; done
        kill -9 "$registry" 2>/dev/null
      ) </dev/null >/dev/null 2>&1 &
      exec /usr/bin/docker-registry serve "$1" >>"$2" 2>&1 </dev/null
      """
    process.arguments = ["-c", script, "registry-wrapper", config, log, String(runner)]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  private static func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ToolError(description: "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
      }
    }
    guard bound else { throw ToolError(description: "bind to a free port failed: errno \(errno)") }
    return UInt16(bigEndian: address.sin_port)
  }
}
