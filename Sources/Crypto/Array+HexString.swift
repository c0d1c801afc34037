extension Array where Element == UInt8 {
  /// The bytes as lowercase hexadecimal, two characters per byte (e.g. `[0x0a, 0xff]` is `"0aff"`).
  public var hexString: String {
    let digits = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: count * 2) { buffer in
      for (index, byte) in enumerated() {
        buffer[2 * index] = digits[Int(byte >> 4)]
        buffer[2 * index + 1] = digits[Int(byte & 0x0f)]
      }
      return count * 2
    }
  }
}
