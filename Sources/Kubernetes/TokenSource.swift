import Foundation
import Synchronization

/// A bearer token that may rotate: a fixed string, or a file re-read when it changed (mtime) or
/// at least every 60 s.
///
/// Projected service-account tokens are rewritten by the kubelet about every hour, so a
/// long-running client must not read the file once. `current()` checks the file's modification
/// time and size on every call (one `stat`, cheap enough for the cooperative pool) and re-reads
/// the file only when they changed or `refreshInterval` passed. If the file becomes unreadable
/// after a successful read, the last token is kept (as client-go does): the old token usually
/// still works for a while, and the request's 401 will tell if not.
public final class TokenSource: Sendable {
  private struct Cache: Sendable {
    var token: String
    var modified: Date?
    var size: UInt64?
    var readAt: ContinuousClock.Instant
  }

  /// The token, when it is fixed.
  private let fixedToken: String?
  /// The file, when the token is read from one.
  private let path: String?
  private let refreshInterval: Duration
  /// The last token read from `path`; unused for a fixed token.
  private let cache = Mutex<Cache?>(nil)

  /// A token that never changes.
  public init(token: String) {
    fixedToken = token
    path = nil
    refreshInterval = .zero
  }

  /// A token read from `file`, trimmed of surrounding whitespace; nothing is read until
  /// `current()`.
  ///
  /// - Parameter refreshInterval: re-read the file at least this often even when its
  ///   modification time and size look unchanged.
  public init(file: String, refreshInterval: Duration = .seconds(60)) {
    fixedToken = nil
    path = file
    self.refreshInterval = refreshInterval
  }

  /// The file the token comes from, or `nil` for a fixed token.
  public var file: String? { path }

  /// The token to send now.
  ///
  /// Throws `.configuration` naming the file when it cannot be read or is empty and no earlier
  /// read succeeded.
  public func current() throws(KubernetesError) -> String {
    if let fixedToken { return fixedToken }
    guard let path else { preconditionFailure("a TokenSource has either a token or a file") }
    let refreshInterval = self.refreshInterval
    // The whole check runs under the lock: concurrent callers then read the file once.
    return try cache.withLock { (cache) throws(KubernetesError) -> String in
      let attributes = try? FileManager.default.attributesOfItem(atPath: path)
      let modified = attributes?[.modificationDate] as? Date
      let size = (attributes?[.size] as? NSNumber)?.uint64Value
      let now = ContinuousClock.now
      if let cached = cache, attributes != nil, cached.modified == modified, cached.size == size,
        now - cached.readAt < refreshInterval
      {
        return cached.token
      }
      do throws(KubernetesError) {
        let token = try Self.read(path)
        cache = Cache(token: token, modified: modified, size: size, readAt: now)
        return token
      } catch {
        guard let cached = cache else { throw error }
        return cached.token
      }
    }
  }

  private static func read(_ path: String) throws(KubernetesError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KubernetesError(
        code: .configuration, message: "cannot read the bearer token file \(path): it is missing or not readable")
    }
    let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !token.isEmpty else {
      throw KubernetesError(code: .configuration, message: "the bearer token file \(path) is empty")
    }
    return token
  }
}
