/// Listening address, limits and timeouts of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
  /// The IPv4 literal to bind, e.g. `"127.0.0.1"` or `"0.0.0.0"` for every interface.
  public var host: String = "127.0.0.1"
  /// The TCP port; 0 picks an ephemeral port, readable from `HTTPServer.port` after `start()`.
  public var port: UInt16 = 8080
  /// Threads in MHD's pool, each running its own epoll loop. Handlers run on Swift's pool, not here.
  public var threads: Int = 2
  /// The most connections open at once (suspended ones included).
  public var connectionLimit: Int = 1000
  /// The most connections from one IP address; 0 means unlimited.
  ///
  /// Loopback benchmarks open many connections from one address, so the
  /// default is unlimited; production configuration should set it.
  public var perIPConnectionLimit: Int = 0
  /// Seconds of inactivity after which MHD closes a connection.
  ///
  /// This is an idle timeout, not a deadline: a connection whose request is
  /// with the application (suspended) never times out.
  public var connectionTimeoutSeconds: Int = 30
  /// The largest request body accepted; larger ones get `HTTPRejection.bodyTooLarge`.
  public var maxBodyBytes: Int = 1 << 20
  /// When set, the server speaks HTTPS only (libmicrohttpd with GnuTLS) using these credentials.
  public var tls: TLSCredentials? = nil

  /// Creates the default configuration: 127.0.0.1:8080, 2 threads, 1 MiB bodies.
  public init() {}
}
