/// The value a plain (unquoted) scalar denotes under the YAML 1.2 core schema.
///
/// Quoted, literal and folded scalars are always strings; only plain scalars are resolved.
enum CoreSchemaValue: Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)

  /// Resolves plain scalar `text` by the core schema's tag resolution rules (YAML 1.2.2, 10.3.2).
  ///
  /// Integers that do not fit in `Int` become a `Double` when written in decimal and stay strings
  /// when written in hexadecimal or octal, where a floating-point reading would be meaningless.
  init(plain text: String) {
    switch text {
    case "", "~", "null", "Null", "NULL":
      self = .null
    case "true", "True", "TRUE":
      self = .bool(true)
    case "false", "False", "FALSE":
      self = .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
      self = .double(.infinity)
    case "-.inf", "-.Inf", "-.INF":
      self = .double(-.infinity)
    case ".nan", ".NaN", ".NAN":
      self = .double(.nan)
    default:
      self = Self.number(text) ?? .string(text)
    }
  }

  /// The integer `text` denotes (`[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`), if it is one
  /// and fits in `Int`.
  static func integer(_ text: String) -> Int? {
    let utf8 = Array(text.utf8)
    if utf8.count > 2, utf8[0] == UInt8(ascii: "0") {
      let digits = String(decoding: utf8[2...], as: UTF8.self)
      switch utf8[1] {
      case UInt8(ascii: "x"):
        return utf8[2...].allSatisfy(isHexDigit) ? Int(digits, radix: 16) : nil
      case UInt8(ascii: "o"):
        return utf8[2...].allSatisfy(isOctalDigit) ? Int(digits, radix: 8) : nil
      default:
        break
      }
    }
    return isDecimalInteger(utf8[...]) ? Int(text, radix: 10) : nil
  }

  private static func number(_ text: String) -> CoreSchemaValue? {
    if let value = integer(text) {
      return .int(value)
    }
    let utf8 = Array(text.utf8)
    // A decimal integer too large for Int, or a float per the core schema's float pattern.
    if isDecimalInteger(utf8[...]) || isFloat(utf8[...]), let value = Double(text) {
      return .double(value)
    }
    return nil
  }

  /// Matches `[-+]?[0-9]+`.
  private static func isDecimalInteger(_ bytes: ArraySlice<UInt8>) -> Bool {
    let digits = bytes.first.map(isSign) == true ? bytes.dropFirst() : bytes
    return !digits.isEmpty && digits.allSatisfy(isDecimalDigit)
  }

  /// Matches `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
  private static func isFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
    var rest = bytes.first.map(isSign) == true ? bytes.dropFirst() : bytes
    let integerDigits = rest.prefix(while: isDecimalDigit).count
    rest = rest.dropFirst(integerDigits)
    var fractionDigits = 0
    if rest.first == UInt8(ascii: ".") {
      rest = rest.dropFirst()
      fractionDigits = rest.prefix(while: isDecimalDigit).count
      rest = rest.dropFirst(fractionDigits)
      // "." alone, or "+." is not a number; ".5" and "1." are.
      if integerDigits == 0 && fractionDigits == 0 { return false }
    } else if integerDigits == 0 {
      return false
    }
    if let marker = rest.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
      rest = rest.dropFirst()
      return isDecimalInteger(rest)
    }
    return rest.isEmpty
  }

  private static func isSign(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
  }

  private static func isDecimalDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  private static func isOctalDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte)
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    isDecimalDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
  }
}
