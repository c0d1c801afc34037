#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension HTTPServerConfiguration {
  /// `host:port`, for messages.
  var addressDescription: String { "\(host):\(port)" }

  /// The IPv4 socket address to hand to `MHD_OPTION_SOCK_ADDR`.
  func socketAddress() throws(HTTPServerError) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    let parsed = inet_pton(AF_INET, host, &address.sin_addr)
    guard parsed == 1 else {
      throw HTTPServerError(
        code: .invalidAddress,
        message:
          "cannot listen on \(addressDescription): host must be an IPv4 literal such as 127.0.0.1 or 0.0.0.0"
      )
    }
    return address
  }
}
