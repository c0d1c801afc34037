internal import CCurl
internal import CurlShim

// libcurl's C callbacks. Each receives the `Transfer` as an unretained context pointer (see
// `Transfer.setCallbacks`) and runs on the transfer thread.

/// CURLOPT_WRITEFUNCTION: a piece of the response body.
func transferWriteCallback(
  _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

/// CURLOPT_HEADERFUNCTION: one complete header line, status lines included.
func transferHeaderCallback(
  _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
}

/// CURLOPT_READFUNCTION: fill the buffer with upload bytes.
func transferReadCallback(
  _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  return transfer.supplyBody(UnsafeMutableRawBufferPointer(start: data, count: size * count))
}

/// CURLOPT_SEEKFUNCTION: libcurl wants to resend the body from `offset`.
func transferSeekCallback(_ context: UnsafeMutableRawPointer?, _ offset: curl_off_t, _ origin: Int32) -> Int32 {
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  return transfer.rewindBody(offset: offset, origin: origin)
}

/// CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
func transferProgressCallback(
  _ context: UnsafeMutableRawPointer?, _ downloadTotal: curl_off_t, _ downloaded: curl_off_t,
  _ uploadTotal: curl_off_t, _ uploaded: curl_off_t
) -> Int32 {
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  return transfer.isCancelled ? 1 : 0
}

extension Transfer {
  /// Returns `bytes.count` to go on; anything else makes libcurl fail with CURLE_WRITE_ERROR.
  func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
    if isCancelled { return 0 }
    if case .stream(let onData) = sink, (200..<300).contains(statusLine) {
      guard onData(Array(bytes)) else {
        consumerStopped = true
        return 0
      }
      return bytes.count
    }
    guard body.count + bytes.count <= maxResponseBytes else {
      exceededLimit = true
      return 0
    }
    body.append(contentsOf: bytes)
    return bytes.count
  }

  func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
    let line = String(decoding: bytes, as: UTF8.self).trimmingSuffix()
    if line.hasPrefix("HTTP/") {
      // A new response starts (interim 1xx responses come first): forget earlier headers.
      let parts = line.split(separator: " ", maxSplits: 2)
      statusLine = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
      headerPairs = []
      return bytes.count
    }
    guard let colon = line.firstIndex(of: ":") else { return bytes.count }
    let name = String(line[..<colon])
    let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
    headerPairs.append((name: name, value: value))
    // Refuse an oversized body before it arrives; a HEAD response's length describes no body,
    // and a 2xx streamed response is not collected.
    if ResponseHeaders.equalIgnoringCase(name, "Content-Length"), request.method != "HEAD",
      !(200..<300).contains(statusLine) || !isStreaming,
      let length = Int64(value), length > Int64(maxResponseBytes)
    {
      exceededLimit = true
      return 0
    }
    return bytes.count
  }

  func supplyBody(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
    if isCancelled { return cs_readfunc_abort() }
    guard let source else { return 0 }
    do {
      let count = try source.read(into: buffer)
      // A source returning more than it was given room for has corrupted memory already.
      precondition(count >= 0 && count <= buffer.count, "BodySource.read returned \(count) for \(buffer.count)")
      return count
    } catch {
      sourceFailure = "\(error)"
      return cs_readfunc_abort()
    }
  }

  func rewindBody(offset: curl_off_t, origin: Int32) -> Int32 {
    guard let source else { return cs_seekfunc_ok() }
    guard offset == 0, origin == SEEK_SET else { return cs_seekfunc_cantseek() }
    do {
      try source.rewind()
      return cs_seekfunc_ok()
    } catch {
      sourceFailure = "cannot resend the body: \(error)"
      return cs_seekfunc_cantseek()
    }
  }

  private var isStreaming: Bool {
    if case .stream = sink { return true }
    return false
  }
}

extension String {
  fileprivate func trimmingSuffix() -> String {
    var text = Substring(self)
    while let last = text.last, last == "\r\n" || last == "\n" || last == "\r" { text = text.dropLast() }
    return String(text)
  }

  fileprivate func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
    let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
    return String(scalars[start...end])
  }
}
