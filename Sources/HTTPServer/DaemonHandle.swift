import CMicroHTTPD

#if canImport(Glibc)
  import Glibc
#endif

/// A running `struct MHD_Daemon *`.
///
/// `@unchecked Sendable` because `OpaquePointer` is not `Sendable`. MHD's
/// daemon functions used here (`get_daemon_info`,
/// `stop_daemon`) may be called from any thread; `HTTPServer`'s lifecycle lock
/// ensures `stop()` runs once and nothing uses the handle afterwards.
struct DaemonHandle: @unchecked Sendable {
  let raw: OpaquePointer
  /// The certificate and key buffers MHD borrows; kept alive as long as the daemon.
  let tlsMemory: TLSMemory?

  /// Starts MHD with an epoll thread pool and suspend/resume, bound as configured.
  ///
  /// `context` is the retained `ServerCore` that MHD passes back to
  /// `accessHandler` and `requestCompleted`; the caller keeps ownership.
  static func start(
    _ configuration: HTTPServerConfiguration, context: UnsafeMutableRawPointer
  ) throws(HTTPServerError) -> DaemonHandle {
    // 0 would silently mean "one internal thread" to MHD and a negative value
    // would wrap to a huge unsigned pool size: both are configuration bugs.
    precondition(configuration.threads > 0, "HTTPServerConfiguration.threads must be positive")
    var address = try configuration.socketAddress()
    var flags =
      MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
      | MHD_USE_ERROR_LOG.rawValue  // MHD's default logger writes to stderr
    var tlsMemory: TLSMemory?
    if let credentials = configuration.tls {
      guard MHD_is_feature_supported(.FEATURE_TLS) == .YES else {
        throw HTTPServerError(code: .tls, message: "libmicrohttpd was built without TLS support")
      }
      flags |= MHD_USE_TLS.rawValue
      tlsMemory = TLSMemory(credentials)
    }
    let completed: MHD_RequestCompletedCallback = requestCompleted
    let handler: MHD_AccessHandlerCallback = accessHandler
    let unescape: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<CChar>?) -> Int =
      podhop_unescape

    errno = 0
    let daemon = withUnsafeMutablePointer(to: &address) { addressPointer in
      // MHD reads the address while binding, inside MHD_start_daemon_va; it
      // does not keep the pointer.
      var options: [MHD_OptionItem] = [
        .init(option: .THREAD_POOL_SIZE, value: configuration.threads, ptr_value: nil),
        .init(option: .CONNECTION_LIMIT, value: configuration.connectionLimit, ptr_value: nil),
        .init(
          option: .CONNECTION_TIMEOUT, value: configuration.connectionTimeoutSeconds, ptr_value: nil
        ),
        .init(option: .STRICT_FOR_CLIENT, value: 1, ptr_value: nil),
        .init(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(addressPointer)),
        // Two-pointer option: the function goes in `value`, its closure argument in `ptr_value`.
        .init(
          option: .NOTIFY_COMPLETED, value: unsafeBitCast(completed, to: Int.self),
          ptr_value: context),
        // %00 decodes to an invalid UTF-8 byte, so requestHead refuses it (see shim.h).
        .init(option: .UNESCAPE_CALLBACK, value: unsafeBitCast(unescape, to: Int.self), ptr_value: nil),
      ]
      if let tlsMemory {
        options.append(.init(option: .HTTPS_MEM_CERT, value: 0, ptr_value: UnsafeMutableRawPointer(tlsMemory.certificate)))
        options.append(.init(option: .HTTPS_MEM_KEY, value: 0, ptr_value: UnsafeMutableRawPointer(tlsMemory.key)))
      }
      if configuration.perIPConnectionLimit > 0 {
        options.append(
          .init(
            option: .PER_IP_CONNECTION_LIMIT, value: configuration.perIPConnectionLimit,
            ptr_value: nil))
      }
      options.append(.init(option: .END, value: 0, ptr_value: nil))
      return options.withUnsafeMutableBufferPointer { items in
        withVaList([MHD_OPTION.ARRAY.rawValue, items.baseAddress!, MHD_OPTION.END.rawValue]) {
          arguments in
          MHD_start_daemon_va(flags, configuration.port, nil, nil, handler, context, arguments)
        }
      }
    }
    guard let daemon else {
      let bindErrors = [EADDRINUSE, EACCES, EADDRNOTAVAIL]
      if configuration.tls != nil && !bindErrors.contains(errno) {
        throw HTTPServerError(
          code: .tls,
          message:
            "cannot start HTTPS on \(configuration.addressDescription): GnuTLS rejected the certificate or key (see the log above)"
        )
      }
      let cause = errno == 0 ? "see the log above" : String(cString: strerror(errno))
      throw HTTPServerError(
        code: .bind, message: "cannot listen on \(configuration.addressDescription): \(cause)")
    }
    return DaemonHandle(raw: daemon, tlsMemory: tlsMemory)
  }

  /// The bound port (the ephemeral one when configured with port 0).
  var boundPort: UInt16 { podhop_daemon_bind_port(raw) }

  /// Closes every connection and joins MHD's threads. No connection may be
  /// suspended at this point: that is an API violation in MHD.
  func stop() { MHD_stop_daemon(raw) }
}
