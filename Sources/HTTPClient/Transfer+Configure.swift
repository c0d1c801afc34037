internal import CCurl
internal import CurlShim

extension Transfer {
  /// Sets every option for this request on a freshly reset easy handle. Returns the header and
  /// pinned-address lists, which the caller frees after the transfer (curl keeps only pointers).
  func configure(
    _ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>
  ) throws(HTTPClientError) -> [UnsafeMutablePointer<curl_slist>] {
    let lower = request.url.lowercased()
    guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
      throw HTTPClientError(
        code: .invalidRequest, message: "\(target): only absolute http:// and https:// URLs are supported")
    }
    guard isToken(request.method) else {
      throw HTTPClientError(code: .invalidRequest, message: "'\(request.method)' is not a valid HTTP method")
    }
    var list: UnsafeMutablePointer<curl_slist>?
    var pinned: UnsafeMutablePointer<curl_slist>?
    do throws(HTTPClientError) {
      list = try slist(try headerLines())
      pinned = try slist(request.pinnedAddresses)
      if let pinned { try set(easy, CURLOPT_RESOLVE, UnsafeMutableRawPointer(pinned)) }
      try set(easy, CURLOPT_URL, request.url)
      try set(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
      // No signals: libcurl runs on many threads and must not use SIGALRM for timeouts.
      try set(easy, CURLOPT_NOSIGNAL, 1)
      try set(easy, CURLOPT_PROTOCOLS_STR, "http,https")
      // Redirects are the caller's: the registry's Location headers need its own handling.
      try set(easy, CURLOPT_FOLLOWLOCATION, 0)
      try set(easy, CURLOPT_TCP_KEEPALIVE, 1)
      try set(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(settings.connectTimeout))
      if let timeout = request.timeout {
        try set(easy, CURLOPT_TIMEOUT_MS, max(1, milliseconds(timeout)))
      }
      try setMethodAndBody(easy)
      try setTLS(easy)
      try set(easy, CURLOPT_HTTPHEADER, list.map { UnsafeMutableRawPointer($0) })
      try setCallbacks(easy)
    } catch {
      curl_slist_free_all(list)
      curl_slist_free_all(pinned)
      throw error
    }
    return [list, pinned].compactMap { $0 }
  }

  private func setMethodAndBody(_ easy: UnsafeMutableRawPointer) throws(HTTPClientError) {
    let method = request.method
    let length: Int64?
    switch request.body {
    case .none:
      // POST, PUT and PATCH without a body still say Content-Length: 0.
      length = ["POST", "PUT", "PATCH"].contains(method) ? 0 : nil
    case .bytes(let bytes): length = Int64(bytes.count)
    case .stream(let streamLength, _): length = streamLength ?? -1
    }
    if method == "HEAD" {
      try set(easy, CURLOPT_NOBODY, 1)
    } else if method == "GET" && length == nil {
      try set(easy, CURLOPT_HTTPGET, 1)
    } else {
      try set(easy, CURLOPT_CUSTOMREQUEST, method)
    }
    guard let length, method != "HEAD" else { return }
    // UPLOAD makes libcurl send a body from the read callback; CUSTOMREQUEST keeps the method.
    // A length of -1 means unknown: libcurl then uses chunked transfer encoding.
    try set(easy, CURLOPT_UPLOAD, 1)
    try check(cs_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(length)), "INFILESIZE_LARGE")
    try set(easy, CURLOPT_UPLOAD_BUFFERSIZE, 256 * 1024)
  }

  private func setTLS(_ easy: UnsafeMutableRawPointer) throws(HTTPClientError) {
    let tls = settings.tls
    if let ca = tls.caPEM { try setBlob(easy, CURLOPT_CAINFO_BLOB, ca) }
    if let certificate = tls.clientCertificatePEM {
      try setBlob(easy, CURLOPT_SSLCERT_BLOB, certificate)
      try set(easy, CURLOPT_SSLCERTTYPE, "PEM")
    }
    if let key = tls.clientKeyPEM {
      try setBlob(easy, CURLOPT_SSLKEY_BLOB, key)
      try set(easy, CURLOPT_SSLKEYTYPE, "PEM")
    }
    if tls.insecureSkipVerify {
      try set(easy, CURLOPT_SSL_VERIFYPEER, 0)
      try set(easy, CURLOPT_SSL_VERIFYHOST, 0)
    }
  }

  private func setCallbacks(_ easy: UnsafeMutableRawPointer) throws(HTTPClientError) {
    // The context pointer is unretained: the transfer thread holds `self` for the whole
    // transfer, and curl_easy_reset clears these pointers before `run` returns.
    let context = Unmanaged.passUnretained(self).toOpaque()
    try check(cs_setopt_data_function(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback), "WRITEFUNCTION")
    try set(easy, CURLOPT_WRITEDATA, context)
    try check(cs_setopt_data_function(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback), "HEADERFUNCTION")
    try set(easy, CURLOPT_HEADERDATA, context)
    try check(cs_setopt_data_function(easy, CURLOPT_READFUNCTION, transferReadCallback), "READFUNCTION")
    try set(easy, CURLOPT_READDATA, context)
    try check(cs_setopt_seek_function(easy, transferSeekCallback), "SEEKFUNCTION")
    try set(easy, CURLOPT_SEEKDATA, context)
    try check(cs_setopt_xferinfo_function(easy, transferProgressCallback), "XFERINFOFUNCTION")
    try set(easy, CURLOPT_XFERINFODATA, context)
    try set(easy, CURLOPT_NOPROGRESS, 0)
  }

  /// The request's headers as a curl list, plus an empty `Expect:` on uploads so that libcurl
  /// does not wait for `100 Continue` from servers that never send it.
  private func headerLines() throws(HTTPClientError) -> [String] {
    var lines: [String] = []
    for (name, value) in request.headers {
      guard isToken(name) else {
        throw HTTPClientError(code: .invalidRequest, message: "header name '\(name)' is not a valid token")
      }
      // The value is not quoted in the message: it may be a credential.
      guard !value.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) else {
        throw HTTPClientError(
          code: .invalidRequest, message: "the value of header '\(name)' contains a line break")
      }
      // "Name;" is curl's syntax for a header with an empty value ("Name:" would remove it).
      lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
    }
    switch request.body {
    case .none: break
    case .bytes, .stream:
      if !request.headers.contains(where: { ResponseHeaders.equalIgnoringCase($0.0, "Expect") }) {
        lines.append("Expect:")
      }
    }
    return lines
  }

  /// `lines` as a curl list (nil when empty).
  private func slist(_ lines: [String]) throws(HTTPClientError) -> UnsafeMutablePointer<curl_slist>? {
    var list: UnsafeMutablePointer<curl_slist>?
    for line in lines {
      // curl_slist_append copies the string; on failure the old list is left intact.
      guard let appended = curl_slist_append(list, line) else {
        curl_slist_free_all(list)
        throw HTTPClientError(code: .other, message: "out of memory building a request list")
      }
      list = appended
    }
    return list
  }

  private func isToken(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
          || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
      }
  }

  private func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
  }

  private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int)
    throws(HTTPClientError)
  {
    try check(cs_setopt_long(easy, option, value), "option \(option.rawValue)")
  }

  private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String)
    throws(HTTPClientError)
  {
    try check(cs_setopt_str(easy, option, value), "option \(option.rawValue)")
  }

  private func set(
    _ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: UnsafeMutableRawPointer?
  ) throws(HTTPClientError) {
    try check(cs_setopt_ptr(easy, option, value), "option \(option.rawValue)")
  }

  private func setBlob(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ bytes: [UInt8])
    throws(HTTPClientError)
  {
    // CURL_BLOB_COPY: curl copies the bytes before returning.
    let code = bytes.withUnsafeBytes { cs_setopt_blob(easy, option, $0.baseAddress, $0.count) }
    try check(code, "TLS blob option \(option.rawValue)")
  }

  private func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
    guard code == CURLE_OK else {
      let reason = String(cString: curl_easy_strerror(code))
      let errorCode: HTTPClientError.Code =
        code == CURLE_NOT_BUILT_IN || code == CURLE_UNKNOWN_OPTION ? .other : .invalidRequest
      throw HTTPClientError(code: errorCode, message: "\(target): libcurl rejected \(what): \(reason)")
    }
  }
}
