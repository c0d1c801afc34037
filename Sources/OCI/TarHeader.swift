/// One 512-byte tar header block, decoded just enough to walk and check an archive.
///
/// Understands POSIX ustar (with the 155-byte name prefix), GNU (`ustar  ` magic, base-256
/// numbers) and v7 headers. Extended names from pax (`x`) and GNU (`L`/`K`) records are applied
/// by ``TarReader``, not here.
struct TarHeader {
  static let blockSize = 512

  /// The type flag byte (`'0'` regular file, `'5'` directory, ...).
  let typeFlag: UInt8
  /// `prefix/name` for ustar, `name` otherwise.
  let name: String
  let linkName: String
  let size: Int64
  let mode: Int64

  /// Decodes `block`, verifying its checksum; `offset` is only used in error messages.
  init(block: UnsafeRawBufferPointer, offset: Int64) throws(ImageError) {
    precondition(block.count == Self.blockSize, "a tar header is exactly 512 bytes")
    guard let stored = Self.number(block, 148, 8) else {
      throw ImageError(
        .malformedArchive, "tar header at byte \(offset) has an unreadable checksum; the file is not a tar archive or is corrupt")
    }
    var unsigned: Int64 = 0
    var signed: Int64 = 0
    for index in 0..<Self.blockSize {
      let byte = (148..<156).contains(index) ? UInt8(ascii: " ") : block[index]
      unsigned += Int64(byte)
      signed += Int64(Int8(bitPattern: byte))
    }
    guard stored == unsigned || stored == signed else {
      throw ImageError(
        .malformedArchive, "tar header at byte \(offset) has a wrong checksum; the archive is corrupt or truncated")
    }
    typeFlag = block[156]
    let baseName = Self.string(block, 0, 100)
    let magic = Self.string(block, 257, 6)
    let version = Self.string(block, 263, 2)
    // POSIX ustar ("ustar\0" + "00") splits long names into prefix/name; GNU ("ustar  \0")
    // uses those bytes for other fields.
    let prefix = (magic == "ustar" && version == "00") ? Self.string(block, 345, 155) : ""
    name = prefix.isEmpty ? baseName : prefix + "/" + baseName
    linkName = Self.string(block, 157, 100)
    guard let size = Self.number(block, 124, 12), size >= 0 else {
      throw ImageError(.malformedArchive, "tar header at byte \(offset) has an unreadable size", entry: name)
    }
    self.size = size
    mode = Self.number(block, 100, 8) ?? 0
  }

  /// Whether every byte of `block` is zero (the end-of-archive marker).
  static func isZero(_ block: UnsafeRawBufferPointer) -> Bool {
    block.allSatisfy { $0 == 0 }
  }

  /// The bytes of a NUL-terminated field, as UTF-8 (invalid bytes replaced).
  static func string(_ block: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> String {
    let field = block[start..<(start + length)]
    let end = field.firstIndex(of: 0) ?? field.endIndex
    return String(decoding: block[start..<end], as: UTF8.self)
  }

  /// A numeric field: octal digits padded with spaces or NULs, or GNU base-256 (high bit set).
  static func number(_ block: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int64? {
    let field = block[start..<(start + length)]
    if let first = field.first, first & 0x80 != 0 {
      // Base-256, big-endian; the first byte's top bit is the marker, its next bit the sign.
      guard first & 0x40 == 0 else { return nil }  // negative numbers are never valid here
      var value: Int64 = Int64(first & 0x3f)
      for byte in field.dropFirst() {
        guard value <= (Int64.max >> 8) else { return nil }
        value = (value << 8) | Int64(byte)
      }
      return value
    }
    var value: Int64 = 0
    var sawDigit = false
    for byte in field {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "7"):
        guard value <= (Int64.max >> 3) else { return nil }
        value = value * 8 + Int64(byte - UInt8(ascii: "0"))
        sawDigit = true
      case UInt8(ascii: " "), 0:
        if sawDigit { return value }
      default:
        return nil
      }
    }
    return sawDigit ? value : 0
  }
}
