/// A client subcommand's arguments, split into positionals, options with values and flags.
///
/// Options are `--name VALUE` (or `--name=VALUE`); a repeatable option (`--label`) keeps every
/// value. Anything unknown is a ``ClientError/usage(_:)``, so a typo never silently changes what a
/// command does.
struct ClientArguments {
  /// What a subcommand accepts.
  struct Specification {
    /// Options that take a value, e.g. `--to`.
    var options: Set<String> = []
    /// Options that take a value and may repeat, e.g. `--label`.
    var repeatable: Set<String> = []
    /// Options without a value, e.g. `--wait`.
    var flags: Set<String> = []
  }

  /// Arguments that are not options, in order.
  private(set) var positional: [String] = []
  private var values: [String: [String]] = [:]
  private var present: Set<String> = []

  /// Parses `arguments` against `specification`; `-o` is a synonym of `--output`.
  init(_ arguments: some Sequence<String>, _ specification: Specification) throws(ClientError) {
    var rest = Array(arguments)[...]
    while let argument = rest.popFirst() {
      guard argument.hasPrefix("-"), argument != "-" else {
        positional.append(argument)
        continue
      }
      var name = argument == "-o" ? "--output" : argument
      var inline: String?
      if let equals = name.firstIndex(of: "="), name.hasPrefix("--") {
        inline = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      if specification.flags.contains(name) && inline == nil {
        present.insert(name)
      } else if specification.options.contains(name) || specification.repeatable.contains(name) {
        guard let value = inline ?? rest.popFirst() else { throw .usage("\(name) needs a value") }
        values[name, default: []].append(value)
        guard specification.repeatable.contains(name) || values[name]!.count == 1 else {
          throw .usage("\(name) is given more than once")
        }
      } else {
        throw .usage("unknown option \(argument)")
      }
    }
  }

  /// The value of `option`, if given.
  func value(_ option: String) -> String? { values[option]?.last }

  /// Every value of a repeatable `option`, in order.
  func all(_ option: String) -> [String] { values[option] ?? [] }

  /// Whether the flag `option` was given.
  func flag(_ option: String) -> Bool { present.contains(option) }

  /// The only positional argument, named `what` in the error when it is missing or repeated.
  func single(_ what: String) throws(ClientError) -> String {
    guard positional.count == 1 else {
      throw .usage(positional.isEmpty ? "\(what) is required" : "expected one \(what), got \(positional.count) arguments")
    }
    return positional[0]
  }

  /// Whether `-o json` was asked for; any other output format is a usage error.
  func wantsJSON() throws(ClientError) -> Bool {
    switch value("--output") {
    case nil, "table", "text": return false
    case "json": return true
    case let other?: throw .usage("-o must be json or table, not '\(other)'")
    }
  }
}
