/// A Kubernetes resource quantity (`500m`, `2`, `128Mi`, `1G`, `1e3`) as an integer in the
/// smallest unit podhop needs: millicores for CPU (`milli`), bytes for memory (`whole`).
public enum ResourceQuantity {
  /// `text` in thousandths (CPU millicores), rounded up; nil when it is not a quantity.
  public static func milli(_ text: String) -> Int64? { scaled(text, by: 1000) }

  /// `text` in whole units (memory bytes), rounded up; nil when it is not a quantity.
  public static func whole(_ text: String) -> Int64? { scaled(text, by: 1) }

  private static let suffixes: [(String, Double)] = [
    ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
    ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
    ("T", 1e12), ("P", 1e15), ("E", 1e18),
  ]

  private static func scaled(_ text: String, by factor: Double) -> Int64? {
    var number = Substring(text)
    var multiplier = 1.0
    if let (suffix, value) = suffixes.first(where: { text.hasSuffix($0.0) }) {
      number = number.dropLast(suffix.count)
      multiplier = value
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }), let value = Double(number),
      value.isFinite, value >= 0
    else { return nil }
    let result = (value * multiplier * factor).rounded(.up)
    guard result < 9e18 else { return nil }
    return Int64(result)
  }
}
