import Foundation
import HTTPServer
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A response as read off the wire by `RawHTTPClient`.
public struct RawHTTPResponse: Sendable {
  public var status: Int
  public var headers: HTTPHeaders
  public var body: [UInt8]
  public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a `RawHTTPClient` call failed.
public struct RawHTTPClientError: Error, CustomStringConvertible {
  public var description: String
  public init(description: String) { self.description = description }
}

/// A blocking HTTP/1.1 client over one POSIX socket, sending exactly the bytes
/// a test gives it. Every call is bounded by a timeout and runs on its own
/// thread, so tests never block Swift's cooperative pool (the server's handlers
/// need it).
public final class RawHTTPClient: Sendable {
  private let socket: Int32
  /// Bytes received but not yet consumed by `readResponse`.
  private let pending = Mutex<[UInt8]>([])

  private init(socket: Int32) { self.socket = socket }

  deinit { close(socket) }

  /// Connects to 127.0.0.1:`port`.
  public static func connect(port: UInt16) async throws -> RawHTTPClient {
    try await offload {
      let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard fd >= 0 else {
        throw RawHTTPClientError(description: "socket() failed: errno \(errno)")
      }
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard result == 0 else {
        let code = errno
        close(fd)
        throw RawHTTPClientError(description: "connect to port \(port) failed: errno \(code)")
      }
      return RawHTTPClient(socket: fd)
    }
  }

  /// One-shot GET of `target` with a Host header; returns the response.
  public static func get(port: UInt16, _ target: String, timeout: Duration = .seconds(5)) async throws
    -> RawHTTPResponse
  {
    let client = try await connect(port: port)
    try await client.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return try await client.readResponse(timeout: timeout)
  }

  /// One request on a new connection: `headers` plus Host and, with a body, Content-Length.
  public static func request(
    port: UInt16, _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [],
    timeout: Duration = .seconds(10)
  ) async throws -> RawHTTPResponse {
    let client = try await connect(port: port)
    try await client.send(head(method, target, headers: headers, bodyLength: body.count) + body)
    return try await client.readResponse(timeout: timeout)
  }

  /// The bytes of a request head with Host and, for a body, Content-Length.
  public static func head(_ method: String, _ target: String, headers: [(String, String)], bodyLength: Int) -> [UInt8] {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if bodyLength > 0 || method == "POST" { text += "Content-Length: \(bodyLength)\r\n" }
    return Array((text + "\r\n").utf8)
  }

  /// Sends a string as UTF-8.
  public func send(_ text: String) async throws { try await send(Array(text.utf8)) }

  /// Sends all of `bytes`; fails instead of raising SIGPIPE if the peer has closed.
  public func send(_ bytes: [UInt8]) async throws {
    try await Self.offload { [socket] in
      var offset = 0
      while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes {
          Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        guard sent > 0 else { throw RawHTTPClientError(description: "send failed: errno \(errno)") }
        offset += sent
      }
    }
  }

  /// Reads one response. Informational (1xx) responses are skipped unless
  /// `skipInformational` is false, in which case the first response is returned.
  public func readResponse(timeout: Duration = .seconds(5), skipInformational: Bool = true) async throws
    -> RawHTTPResponse
  {
    try await Self.offload { [self] in
      let deadline = ContinuousClock.now + timeout
      while true {
        let response = try readOne(until: deadline)
        if skipInformational, (100..<200).contains(response.status) { continue }
        return response
      }
    }
  }

  /// Reads raw bytes as they arrive (head, chunk framing and all) until what was read contains
  /// `marker`, and returns it; for streamed responses. Throws on EOF or timeout first.
  public func readRaw(until marker: String, timeout: Duration = .seconds(10)) async throws -> String {
    try await Self.offload { [self] in
      let deadline = ContinuousClock.now + timeout
      while true {
        let text = pending.withLock { String(decoding: $0, as: UTF8.self) }
        if let range = text.range(of: marker) {
          let taken = String(text[..<range.upperBound])
          pending.withLock { $0.removeFirst(taken.utf8.count) }
          return taken
        }
        guard try fill(until: deadline) else {
          throw RawHTTPClientError(description: "connection closed before '\(marker)' arrived; got: \(text.suffix(300))")
        }
      }
    }
  }

  /// Reads raw bytes until the server closes the connection, and returns them (with what was
  /// already received); throws on timeout.
  public func readRawToEnd(timeout: Duration = .seconds(10)) async throws -> String {
    try await Self.offload { [self] in
      let deadline = ContinuousClock.now + timeout
      while try fill(until: deadline) {}
      return pending.withLock { buffer in
        defer { buffer = [] }
        return String(decoding: buffer, as: UTF8.self)
      }
    }
  }

  /// Whether the server has closed the connection (EOF within `timeout`).
  public func isClosedByPeer(timeout: Duration = .seconds(2)) async throws -> Bool {
    try await Self.offload { [self] in
      (try? fill(until: ContinuousClock.now + timeout)) == false
    }
  }

  private func readOne(until deadline: ContinuousClock.Instant) throws -> RawHTTPResponse {
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    var headEnd: Int?
    while headEnd == nil {
      headEnd = pending.withLock { buffer in buffer.firstRange(of: separator)?.upperBound }
      if headEnd == nil, try !fill(until: deadline) {
        throw RawHTTPClientError(description: "connection closed before a response head")
      }
    }
    let headBytes = pending.withLock { buffer in
      defer { buffer.removeFirst(headEnd!) }
      return Array(buffer[..<headEnd!])
    }
    let lines = String(decoding: headBytes, as: UTF8.self).split(separator: "\r\n")
    let statusParts = lines.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
      throw RawHTTPClientError(description: "bad status line: \(lines.first ?? "")")
    }
    var headers = HTTPHeaders()
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers.add(
        String(line[..<colon]),
        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    var body: [UInt8] = []
    if (100..<200).contains(status) || status == 204 || status == 304 {
      body = []
    } else if let length = headers["Content-Length"].flatMap({ Int($0) }) {
      body = try take(length, until: deadline)
    } else {
      while try fill(until: deadline) {}  // no length: the body runs to EOF
      body = pending.withLock { buffer in
        defer { buffer = [] }
        return buffer
      }
    }
    return RawHTTPResponse(status: status, headers: headers, body: body)
  }

  private func take(_ count: Int, until deadline: ContinuousClock.Instant) throws -> [UInt8] {
    while pending.withLock({ $0.count }) < count {
      guard try fill(until: deadline) else {
        throw RawHTTPClientError(description: "connection closed inside a \(count)-byte body")
      }
    }
    return pending.withLock { buffer in
      defer { buffer.removeFirst(count) }
      return Array(buffer[..<count])
    }
  }

  /// Waits for bytes and appends them; false on EOF, throws on timeout or error.
  private func fill(until deadline: ContinuousClock.Instant) throws -> Bool {
    let remaining = deadline - ContinuousClock.now
    guard remaining > .zero else {
      throw RawHTTPClientError(description: "timed out waiting for data")
    }
    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    let milliseconds = Int32(
      remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        + 1)
    guard poll(&descriptor, 1, milliseconds) > 0 else {
      throw RawHTTPClientError(description: "timed out waiting for data")
    }
    var chunk = [UInt8](repeating: 0, count: 65536)
    let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
    if received < 0 { throw RawHTTPClientError(description: "recv failed: errno \(errno)") }
    if received == 0 { return false }
    pending.withLock { $0.append(contentsOf: chunk[..<received]) }
    return true
  }

  /// Runs blocking socket work on a dedicated thread and awaits its result.
  private static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws
    -> T
  {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try work() }) }.start()
    }
  }
}
