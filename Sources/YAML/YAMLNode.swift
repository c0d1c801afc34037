/// A parsed YAML node. Scalars keep their text and whether they were quoted (so "true" in quotes
/// stays a string).
///
/// Scalars are not resolved to types when parsed; the accessors (`int`, `bool`, `isNull`) and
/// `jsonValue` apply the YAML 1.2 core schema to plain scalars on demand. Explicit tags such as
/// `!!str` are not kept, so a tagged plain scalar resolves like an untagged one.
public indirect enum YAMLNode: Sendable {
  /// A scalar's text, and whether it was written in any style other than plain: single- or
  /// double-quoted, literal (`|`) or folded (`>`).
  case scalar(String, quoted: Bool)
  /// A sequence's items, in document order.
  case sequence([YAMLNode])
  /// A mapping's entries, in document order. Duplicate keys are kept as written.
  case mapping([(key: YAMLNode, value: YAMLNode)])

  /// The value of the first entry whose key is a scalar with text `key`, if this is a mapping.
  ///
  /// Plain and quoted keys match alike: `"a": 1` and `a: 1` are both found by `node["a"]`.
  public subscript(key: String) -> YAMLNode? {
    guard case .mapping(let entries) = self else { return nil }
    for entry in entries {
      if case .scalar(let text, _) = entry.key, text == key {
        return entry.value
      }
    }
    return nil
  }

  /// The text of a scalar in any style, or `nil` for collections.
  ///
  /// This is the text as written (after unescaping): a plain `null` gives `"null"` and a plain
  /// `42` gives `"42"`.
  public var string: String? {
    guard case .scalar(let text, _) = self else { return nil }
    return text
  }

  /// The integer a plain scalar denotes in decimal (`-12`, `+7`), hexadecimal (`0x1F`) or octal
  /// (`0o17`), if it fits in `Int`; `nil` for quoted scalars, other text and collections.
  public var int: Int? {
    guard case .scalar(let text, quoted: false) = self else { return nil }
    return CoreSchemaValue.integer(text)
  }

  /// The boolean a plain scalar denotes: `true`/`True`/`TRUE` or `false`/`False`/`FALSE` (the
  /// YAML 1.2 core schema, so `yes` and `on` are strings); `nil` otherwise.
  public var bool: Bool? {
    guard case .scalar(let text, quoted: false) = self,
      case .bool(let value) = CoreSchemaValue(plain: text)
    else { return nil }
    return value
  }

  /// Whether this is a plain scalar denoting null: `null`, `Null`, `NULL`, `~` or empty.
  ///
  /// A quoted `"null"` or `""` is a string, not null.
  public var isNull: Bool {
    guard case .scalar(let text, quoted: false) = self else { return false }
    return CoreSchemaValue(plain: text) == .null
  }

  /// The items of a sequence, or `nil` for scalars and mappings.
  public var array: [YAMLNode]? {
    guard case .sequence(let items) = self else { return nil }
    return items
  }

  /// The entries of a mapping in document order, or `nil` for scalars and sequences.
  public var entries: [(key: YAMLNode, value: YAMLNode)]? {
    guard case .mapping(let entries) = self else { return nil }
    return entries
  }
}

extension YAMLNode: Equatable {
  /// Structural equality: same kind, same scalar text and quoting, same items and entries in the
  /// same order.
  public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
    switch (lhs, rhs) {
    case (.scalar(let left, let leftQuoted), .scalar(let right, let rightQuoted)):
      return left == right && leftQuoted == rightQuoted
    case (.sequence(let left), .sequence(let right)):
      return left == right
    case (.mapping(let left), .mapping(let right)):
      return left.count == right.count
        && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default:
      return false
    }
  }
}
