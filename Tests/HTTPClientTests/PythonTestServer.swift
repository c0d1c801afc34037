import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A Python `http.server` on 127.0.0.1 (optionally TLS or mutual TLS) with routes for
/// exercising the client: echo, hashed uploads, slow and stalled responses, big bodies, chunked
/// streams, and the peer's port and certificate. The process exits when the test runner does.
final class PythonTestServer: Sendable {
  let port: UInt16
  private let process: Process

  private init(port: UInt16, process: Process) {
    self.port = port
    self.process = process
  }

  deinit { stop() }

  /// Starts the server; with `certificates` it speaks TLS, and with `requireClientCertificate`
  /// it demands a client certificate signed by the same CA.
  static func start(certificates: TestCertificates? = nil, requireClientCertificate: Bool = false) async throws
    -> PythonTestServer
  {
    var arguments = ["-u", "-c", script, String(getpid())]
    if let certificates {
      arguments += [certificates.serverCertificatePath, certificates.serverKeyPath]
      if requireClientCertificate { arguments.append(certificates.caPath) }
    }
    let launchArguments = arguments
    return try await withCheckedThrowingContinuation { continuation in
      // Reading the port line blocks; do it on a thread of its own.
      Thread.detachNewThread {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + launchArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        do {
          try process.run()
        } catch {
          continuation.resume(throwing: error)
          return
        }
        var line: [UInt8] = []
        while line.count < 64 {
          let byte = output.fileHandleForReading.readData(ofLength: 1)
          guard let first = byte.first, first != 10 else { break }
          line.append(first)
        }
        guard let port = UInt16(String(decoding: line, as: UTF8.self)) else {
          process.terminate()
          continuation.resume(throwing: ToolError(description: "python test server did not report a port"))
          return
        }
        continuation.resume(returning: PythonTestServer(port: port, process: process))
      }
    }
  }

  func stop() {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  func url(_ path: String, tls: Bool = false) -> String {
    "\(tls ? "https" : "http")://127.0.0.1:\(port)\(path)"
  }

  private static let script = #"""
    import hashlib, http.server, json, os, socketserver, ssl, sys, threading, time, urllib.parse

    runner = int(sys.argv[1])
    stats = {"slow": 0}
    lock = threading.Lock()

    def watch_runner():
        while True:
            try:
                os.kill(runner, 0)
            except OSError:
                os._exit(0)
            time.sleep(0.5)

    def pattern(offset, length):
        base = bytes(range(256)) * 257
        out = bytearray()
        while length > 0:
            chunk, within = divmod(offset, 65536)
            run = min(65536 - within, length)
            start = within % 256 + chunk % 256
            start %= 256
            out += base[start:start + run]
            offset += run
            length -= run
        return bytes(out)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def read_body(self, sink):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return
                    remaining = size
                    while remaining:
                        data = self.rfile.read(min(remaining, 1 << 16))
                        sink(data)
                        remaining -= len(data)
                    self.rfile.readline()
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining > 0:
                data = self.rfile.read(min(remaining, 1 << 16))
                if not data:
                    raise ConnectionError("short body")
                sink(data)
                remaining -= len(data)

        def reply(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            url = urllib.parse.urlparse(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            route = url.path
            if route == "/echo":
                parts = []
                self.read_body(parts.append)
                body = b"".join(parts)
                headers = [("X-Method", self.command), ("X-Path", self.path),
                           ("X-Test", self.headers.get("X-Test", "-")),
                           ("X-Expect", self.headers.get("Expect", "-")),
                           ("X-Multi", "one"), ("x-multi", "two")]
                self.reply(200, body, headers)
            elif route == "/upload":
                digest = hashlib.sha256()
                count = [0]
                def sink(data):
                    digest.update(data)
                    count[0] += len(data)
                self.read_body(sink)
                expected = hashlib.sha256()
                offset = 0
                while offset < count[0]:
                    run = min(1 << 20, count[0] - offset)
                    expected.update(pattern(offset, run))
                    offset += run
                result = {"length": count[0], "sha256": digest.hexdigest(), "expected": expected.hexdigest(),
                          "chunked": self.headers.get("Transfer-Encoding", "") == "chunked",
                          "expect": self.headers.get("Expect", "-")}
                self.reply(200, json.dumps(result).encode())
            elif route == "/slow":
                with lock:
                    stats["slow"] += 1
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                self.wfile.write(b"0123456789")
                self.wfile.flush()
                time.sleep(30)
            elif route == "/stall":
                with lock:
                    stats["slow"] += 1
                time.sleep(30)
                self.reply(200, b"late")
            elif route == "/stats":
                with lock:
                    self.reply(200, json.dumps(stats).encode())
            elif route == "/big":
                size = int(query.get("n", "0"))
                status = int(query.get("status", "200"))
                if query.get("chunked"):
                    self.send_response(status)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    sent = 0
                    while sent < size:
                        run = min(1 << 16, size - sent)
                        self.wfile.write(b"%x\r\n" % run + b"x" * run + b"\r\n")
                        sent += run
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.reply(status, b"x" * size)
            elif route == "/stream":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for index in range(int(query.get("n", "3"))):
                    line = b"line %d\n" % index
                    self.wfile.write(b"%x\r\n" % len(line) + line + b"\r\n")
                    self.wfile.flush()
                    time.sleep(0.01)
                self.wfile.write(b"0\r\n\r\n")
            elif route == "/peer":
                port = self.client_address[1]
                cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
                subject = ""
                if cert:
                    for field in cert.get("subject", ()):
                        for key, value in field:
                            if key == "commonName":
                                subject = value
                self.reply(200, json.dumps({"port": port, "cn": subject}).encode())
            else:
                self.reply(404, b"no such route")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        def do_HEAD(self):
            self.send_response(200)
            self.send_header("Content-Length", "123456789")
            self.end_headers()

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) > 2:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        if len(sys.argv) > 4:
            context.load_verify_locations(sys.argv[4])
            context.verify_mode = ssl.CERT_REQUIRED
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=watch_runner, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
