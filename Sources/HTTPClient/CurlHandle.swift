internal import CCurl
internal import CurlShim

/// The process-wide `curl_global_init`, run once (Swift initialises globals lazily, exactly once
/// and thread-safely) before the first handle is created; never cleaned up, as libcurl advises
/// for libraries.
private let curlGlobalInit: CURLcode = curl_global_init(cs_global_default())

/// One libcurl easy handle and the multi handle it runs in.
///
/// Ownership: `init` creates both with `curl_easy_init` / `curl_multi_init`; `deinit` frees them
/// with `curl_easy_cleanup` / `curl_multi_cleanup`. The easy handle is in the multi handle only
/// while a `Transfer` runs. The multi handle owns the connection cache, so running the next
/// transfer on the same `CurlHandle` reuses its keep-alive connections; `curl_easy_reset` between
/// transfers drops options (and so every pointer into a finished transfer) but keeps that cache.
///
/// `@unchecked Sendable`: a handle is used by one thread at a time, enforced by `HandlePool`
/// (checked out to exactly one transfer thread, or idle in the pool). The one cross-thread call,
/// `curl_multi_wakeup`, is documented thread-safe and is guarded by `Transfer`'s lock.
final class CurlHandle: @unchecked Sendable {
  /// A `CURL *`, owned.
  let easy: UnsafeMutableRawPointer
  /// A `CURLM *`, owned.
  let multi: UnsafeMutableRawPointer

  init() {
    precondition(curlGlobalInit == CURLE_OK, "curl_global_init failed: \(curlGlobalInit.rawValue)")
    // Allocation failures leave nothing sensible to do.
    guard let easy = curl_easy_init() else { preconditionFailure("curl_easy_init failed") }
    guard let multi = curl_multi_init() else {
      curl_easy_cleanup(easy)
      preconditionFailure("curl_multi_init failed")
    }
    self.easy = easy
    self.multi = multi
  }

  deinit {
    curl_easy_cleanup(easy)
    curl_multi_cleanup(multi)
  }
}
