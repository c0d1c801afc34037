#if canImport(Glibc)
  import Glibc
#endif

/// Timestamps the way Go's `time.Format(time.RFC3339)` prints them, at one-second resolution.
enum KubeTime {
  /// Seconds since the epoch.
  static func now() -> Int { Int(time(nil)) }

  /// `2026-12-03T12:38:00Z` (UTC), as in object metadata.
  static func utc(_ seconds: Int) -> String {
    var value = time_t(seconds)
    var parts = tm()
    gmtime_r(&value, &parts)
    return format(parts) + "Z"
  }

  /// In the process's local zone, `Z` for a zero offset else `+02:00`: the kubelet names
  /// checkpoint archives this way.
  static func local(_ seconds: Int) -> String {
    var value = time_t(seconds)
    var parts = tm()
    localtime_r(&value, &parts)
    let offset = parts.tm_gmtoff
    guard offset != 0 else { return format(parts) + "Z" }
    let sign = offset < 0 ? "-" : "+"
    let minutes = abs(offset) / 60
    return format(parts) + sign + pad(minutes / 60) + ":" + pad(minutes % 60)
  }

  /// RFC 3339 with nanoseconds in UTC, as Go marshals `time.Time` into JSON.
  static func utcNano(_ seconds: Int, nanoseconds: Int = 0) -> String {
    var value = time_t(seconds)
    var parts = tm()
    gmtime_r(&value, &parts)
    let fraction = String(nanoseconds)
    return format(parts) + "." + String(repeating: "0", count: max(0, 9 - fraction.count)) + fraction + "Z"
  }

  private static func format(_ parts: tm) -> String {
    "\(parts.tm_year + 1900)-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
      + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec)))"
  }

  private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
