/// Parses YAML text into `YAMLNode` trees with libyaml, with limits for hostile input.
///
/// ```swift
/// let config = try YAMLDocument.parse(kubeconfigText)
/// let server = config["clusters"]?.array?.first?["cluster"]?["server"]?.string
/// ```
///
/// Parsing is synchronous and CPU-bound (about as fast as libyaml scans); for documents near the
/// size limit, call it off the cooperative pool.
public enum YAMLDocument {
  /// The default `maxBytes`: 16 MiB.
  public static let defaultMaxBytes = 16 << 20
  /// The default `maxDepth`: 512 nested collections.
  public static let defaultMaxDepth = 512
  /// The default `maxNodes`: one million nodes after alias expansion.
  public static let defaultMaxNodes = 1_000_000

  /// Parses one document (the first if several). Aliases (*a) resolve to their anchored node.
  /// Throws YAMLError with line and column for malformed input.
  ///
  /// Only the first document is read: text after its end (including errors there) is ignored.
  /// An empty stream, or a document with no content, gives a plain empty scalar (`isNull`).
  ///
  /// - Parameters:
  ///   - maxBytes: The largest accepted input, in UTF-8 bytes.
  ///   - maxDepth: The deepest accepted nesting of sequences and mappings, counting levels
  ///     reached through aliases.
  ///   - maxNodes: The most nodes the document may expand to, counting an alias as all the nodes
  ///     of its anchor each time it is used.
  public static func parse(
    _ text: String, maxBytes: Int = defaultMaxBytes, maxDepth: Int = defaultMaxDepth,
    maxNodes: Int = defaultMaxNodes
  ) throws(YAMLError) -> YAMLNode {
    // Check before copying, so an oversized string is never duplicated.
    try checkSize(text.utf8.count, maxBytes: maxBytes)
    return try parse(
      bytes: Array(text.utf8), maxBytes: maxBytes, maxDepth: maxDepth, maxNodes: maxNodes)
  }

  /// Parses one document (the first if several) from UTF-8 or UTF-16 bytes (UTF-16 needs a
  /// byte-order mark). Aliases (*a) resolve to their anchored node. Throws YAMLError with line
  /// and column for malformed input.
  ///
  /// See `parse(_:maxBytes:maxDepth:maxNodes:)` for the limits.
  public static func parse(
    bytes: [UInt8], maxBytes: Int = defaultMaxBytes, maxDepth: Int = defaultMaxDepth,
    maxNodes: Int = defaultMaxNodes
  ) throws(YAMLError) -> YAMLNode {
    // A negative limit, or a node limit of 0 (no document has fewer than one node), is a
    // configuration mistake in the caller, not a property of the input.
    precondition(
      maxBytes >= 0 && maxDepth >= 0 && maxNodes >= 1, "YAML limits must admit some document")
    try checkSize(bytes.count, maxBytes: maxBytes)
    guard !bytes.isEmpty else { return .scalar("", quoted: false) }
    let result = bytes.withUnsafeBufferPointer { buffer in
      // The reader lives only inside this closure, so `buffer` outlives it as libyaml requires.
      Result { () throws(YAMLError) -> YAMLNode in
        var reader = try EventReader(input: buffer)
        return try readFirstDocument(
          from: &reader, builder: DocumentBuilder(maxDepth: maxDepth, maxNodes: maxNodes))
      }
    }
    return try result.get()
  }

  private static func readFirstDocument(
    from reader: inout EventReader, builder: consuming DocumentBuilder
  ) throws(YAMLError) -> YAMLNode {
    var builder = builder
    while true {
      let event = try reader.next()
      switch event.kind {
      case .streamStart, .documentStart:
        continue
      case .streamEnd:
        // A stream with no documents at all (only comments or whitespace).
        return .scalar("", quoted: false)
      case .documentEnd:
        // libyaml always emits one node between document start and end, empty or not.
        return builder.root ?? .scalar("", quoted: false)
      default:
        try builder.consume(event)
      }
    }
  }

  private static func checkSize(_ count: Int, maxBytes: Int) throws(YAMLError) {
    guard count <= maxBytes else {
      throw YAMLError(
        code: .tooLarge, message: "document is \(count) bytes, more than the limit of \(maxBytes)",
        line: 0, column: 0)
    }
  }
}
