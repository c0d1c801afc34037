/// Why a YAML document could not be parsed, and where.
///
/// Messages are fixed texts from libyaml or from this module; they never quote the document, so
/// parsing a kubeconfig that holds credentials cannot leak them into logs through an error.
public struct YAMLError: Error, CustomStringConvertible, Sendable {
  /// The closed set of reasons a parse can fail.
  public enum Code: String, Sendable, Hashable {
    /// The text is not well-formed YAML (or not valid UTF-8/UTF-16), as reported by libyaml.
    case malformed
    /// The input is larger than the `maxBytes` limit.
    case tooLarge
    /// Collections nest deeper than the `maxDepth` limit, counting levels reached through aliases.
    case tooDeep
    /// The document expands to more nodes than the `maxNodes` limit, counting every alias
    /// expansion; this is what stops "billion laughs" alias bombs.
    case tooManyNodes
    /// An alias (`*name`) names no anchor defined earlier in the document.
    case unknownAlias
    /// libyaml could not allocate memory.
    case outOfMemory
  }

  /// Why the parse failed.
  public let code: Code
  /// What went wrong, in words a person can act on.
  public let message: String
  /// The 1-based line of the problem, or 0 when the problem has no position (such as `tooLarge`).
  public let line: Int
  /// The 1-based column of the problem, or 0 when the problem has no position.
  public let column: Int

  /// Creates an error; `line` and `column` are 1-based, or 0 for "no position".
  public init(code: Code, message: String, line: Int, column: Int) {
    self.code = code
    self.message = message
    self.line = line
    self.column = column
  }

  /// The message, prefixed by `line L, column C:` when the error has a position.
  public var description: String {
    guard line > 0 else { return "YAML: \(message)" }
    return "YAML at line \(line), column \(column): \(message)"
  }
}
