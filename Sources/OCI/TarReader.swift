/// Walks the headers of a tar file without extracting it, applying pax and GNU long-name
/// records to the entry that follows them.
///
/// Entry data is skipped with `lseek`, except when the caller asks for it with
/// ``readData(limit:)`` right after ``next()``. Use from one thread at a time.
struct TarReader: ~Copyable {
  /// An entry as the archive describes it, with extended names applied.
  struct Entry {
    var name: String
    var linkName: String
    var size: Int64
    var typeFlag: UInt8
  }

  /// pax and GNU long-name records are small; anything larger is refused as malformed.
  static let maxExtendedHeaderSize = 1 << 20

  private let file: ArchiveFile
  private let fileSize: Int64
  private let block = UnsafeMutableRawBufferPointer.allocate(byteCount: TarHeader.blockSize, alignment: 16)
  private var offset: Int64 = 0
  // Data of the entry last returned by next() that has not been read or skipped yet.
  private var pendingData: Int64 = 0
  private var pendingPadding: Int64 = 0

  init(file: ArchiveFile) throws(ImageError) {
    self.file = file
    fileSize = try file.size()
  }

  deinit { block.deallocate() }

  /// The next entry, or `nil` at the end-of-archive marker.
  mutating func next() throws(ImageError) -> Entry? {
    try skipPending()
    var longName: String?
    var longLink: String?
    var paxSize: Int64?
    while true {
      guard try readBlock() else {
        throw ImageError(.malformedArchive, "\(file.path) ends without an end-of-archive marker; the archive is truncated")
      }
      let headerOffset = offset - Int64(TarHeader.blockSize)
      if TarHeader.isZero(UnsafeRawBufferPointer(block)) {
        // End marker: two zero blocks; tolerate a lone one right at the end of the file.
        if offset == fileSize { return nil }
        guard try readBlock(), TarHeader.isZero(UnsafeRawBufferPointer(block)) else {
          throw ImageError(
            .malformedArchive, "\(file.path) has data after a zero block at byte \(headerOffset); the archive is corrupt")
        }
        return nil
      }
      let header = try TarHeader(block: UnsafeRawBufferPointer(block), offset: headerOffset)
      try expectData(header.size, entry: header.name)
      switch header.typeFlag {
      case UInt8(ascii: "x"):
        let records = try readExtended(header)
        if let path = records["path"] { longName = path }
        if let link = records["linkpath"] { longLink = link }
        if let size = records["size"] {
          guard let value = Int64(size), value >= 0 else {
            throw ImageError(.malformedArchive, "pax header has an invalid size \"\(size)\"", entry: longName ?? header.name)
          }
          paxSize = value
        }
      case UInt8(ascii: "g"):
        // Global pax records (comments, mtimes) do not change names; read past them.
        _ = try readExtended(header)
      case UInt8(ascii: "L"):
        longName = Self.cString(try readExtendedBytes(header))
      case UInt8(ascii: "K"):
        longLink = Self.cString(try readExtendedBytes(header))
      default:
        var entry = Entry(name: header.name, linkName: header.linkName, size: header.size, typeFlag: header.typeFlag)
        if let longName { entry.name = longName }
        if let longLink { entry.linkName = longLink }
        if let paxSize { entry.size = paxSize }
        try expectData(entry.size, entry: entry.name)
        // Links, devices, directories and fifos are header-only whatever size they record
        // (as in Go's archive/tar, which umoci and the runtimes use).
        let hasData = !(UInt8(ascii: "1")...UInt8(ascii: "6")).contains(entry.typeFlag)
        pendingData = hasData ? entry.size : 0
        pendingPadding = hasData ? Self.padding(entry.size) : 0
        return entry
      }
    }
  }

  /// The data of the entry last returned by ``next()``, if it is at most `limit` bytes.
  mutating func readData(limit: Int, entry: String) throws(ImageError) -> [UInt8] {
    guard pendingData <= Int64(limit) else {
      throw ImageError(.invalidMetadata, "is \(pendingData) bytes, more than the \(limit) bytes allowed", entry: entry)
    }
    let count = Int(pendingData)
    let bytes = try [UInt8](unsafeUninitializedCapacity: count) { (buffer, initialized) throws(ImageError) in
      guard try file.readFully(into: UnsafeMutableRawBufferPointer(buffer)) else {
        throw ImageError(.malformedArchive, "the archive ends inside this entry's data", entry: entry)
      }
      initialized = count
    }
    offset += pendingData
    pendingData = 0
    return bytes
  }

  private mutating func skipPending() throws(ImageError) {
    let total = pendingData + pendingPadding
    if total > 0 {
      try file.skip(total)
      offset += total
    }
    pendingData = 0
    pendingPadding = 0
  }

  private mutating func readBlock() throws(ImageError) -> Bool {
    guard try file.readFully(into: block) else { return false }
    offset += Int64(TarHeader.blockSize)
    return true
  }

  private func expectData(_ size: Int64, entry: String) throws(ImageError) {
    guard size <= fileSize - offset else {
      throw ImageError(
        .malformedArchive, "entry claims \(size) bytes but the archive ends before that; it is truncated", entry: entry)
    }
  }

  private mutating func readExtendedBytes(_ header: TarHeader) throws(ImageError) -> [UInt8] {
    pendingData = header.size
    pendingPadding = Self.padding(header.size)
    let bytes = try readData(limit: Self.maxExtendedHeaderSize, entry: header.name)
    try skipPending()
    return bytes
  }

  /// Parses pax records: `"<length> <key>=<value>\n"`, repeated.
  private mutating func readExtended(_ header: TarHeader) throws(ImageError) -> [String: String] {
    let bytes = try readExtendedBytes(header)
    var records: [String: String] = [:]
    var index = 0
    while index < bytes.count {
      guard let space = bytes[index...].firstIndex(of: UInt8(ascii: " ")),
        let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)),
        length > space - index, index + length <= bytes.count, bytes[index + length - 1] == UInt8(ascii: "\n"),
        let equals = bytes[(space + 1)..<(index + length)].firstIndex(of: UInt8(ascii: "="))
      else {
        throw ImageError(.malformedArchive, "pax extended header has a malformed record", entry: header.name)
      }
      let key = String(decoding: bytes[(space + 1)..<equals], as: UTF8.self)
      records[key] = String(decoding: bytes[(equals + 1)..<(index + length - 1)], as: UTF8.self)
      index += length
    }
    return records
  }

  private static func padding(_ size: Int64) -> Int64 {
    let remainder = size % Int64(TarHeader.blockSize)
    return remainder == 0 ? 0 : Int64(TarHeader.blockSize) - remainder
  }

  private static func cString(_ bytes: [UInt8]) -> String {
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }
}
