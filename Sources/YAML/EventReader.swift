import CYAML

/// One parsing event, copied out of libyaml's `yaml_event_t` into Swift values.
struct Event {
  enum Kind {
    case streamStart
    case streamEnd
    case documentStart
    case documentEnd
    case alias(anchor: String)
    case scalar(String, anchor: String?, quoted: Bool)
    case sequenceStart(anchor: String?)
    case sequenceEnd
    case mappingStart(anchor: String?)
    case mappingEnd
  }

  let kind: Kind
  /// 1-based position where the event starts.
  let line: Int
  let column: Int
}

/// Pulls events from one libyaml parser over an in-memory buffer.
///
/// Ownership: the `yaml_parser_t` is allocated and `yaml_parser_initialize`d in `init`, and
/// `yaml_parser_delete`d and deallocated in `deinit`; the type is noncopyable so exactly one value
/// owns it. Each `yaml_event_t` filled by `yaml_parser_parse` is copied into an `Event` and freed
/// with `yaml_event_delete` before `next()` returns. libyaml does not copy the input: the caller
/// must keep `input` alive and unmoved for the reader's whole lifetime.
struct EventReader: ~Copyable {
  private let parser: UnsafeMutablePointer<yaml_parser_t>

  /// Creates a reader over `input`, which must outlive the reader and must not be empty (libyaml
  /// rejects a null buffer pointer).
  init(input: UnsafeBufferPointer<UInt8>) throws(YAMLError) {
    // Callers short-circuit empty input; a null base address here is a bug in this module.
    precondition(input.baseAddress != nil, "EventReader needs a non-empty input buffer")
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    guard yaml_parser_initialize(parser) == 1 else {
      // Nothing to yaml_parser_delete: a failed initialize frees what it allocated.
      parser.deallocate()
      throw YAMLError(
        code: .outOfMemory, message: "libyaml could not allocate a parser", line: 0, column: 0)
    }
    // libyaml detects UTF-8 or UTF-16 from a byte-order mark and defaults to UTF-8.
    yaml_parser_set_input_string(parser, input.baseAddress, input.count)
    self.parser = parser
  }

  deinit {
    yaml_parser_delete(parser)
    parser.deallocate()
  }

  /// Returns the next event, or throws libyaml's error with its position.
  ///
  /// After `streamEnd` or an error, the reader must not be asked for more events.
  mutating func next() throws(YAMLError) -> Event {
    var event = yaml_event_t()
    guard yaml_parser_parse(parser, &event) == 1 else {
      // On failure libyaml leaves `event` zeroed and owning nothing, so there is nothing to free.
      throw parserError()
    }
    // `event` owns its anchor, tag and value strings until here; the copies below are ours.
    defer { yaml_event_delete(&event) }
    let kind: Event.Kind
    switch event.type {
    case YAML_STREAM_START_EVENT:
      kind = .streamStart
    case YAML_STREAM_END_EVENT:
      kind = .streamEnd
    case YAML_DOCUMENT_START_EVENT:
      kind = .documentStart
    case YAML_DOCUMENT_END_EVENT:
      kind = .documentEnd
    case YAML_ALIAS_EVENT:
      kind = .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = scalar.value.map {
        String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
      }
      kind = .scalar(
        text ?? "", anchor: Self.string(scalar.anchor),
        quoted: scalar.style != YAML_PLAIN_SCALAR_STYLE)
    case YAML_SEQUENCE_START_EVENT:
      kind = .sequenceStart(anchor: Self.string(event.data.sequence_start.anchor))
    case YAML_SEQUENCE_END_EVENT:
      kind = .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      kind = .mappingStart(anchor: Self.string(event.data.mapping_start.anchor))
    case YAML_MAPPING_END_EVENT:
      kind = .mappingEnd
    default:
      // YAML_NO_EVENT is only produced after the stream has ended, which callers never pass.
      preconditionFailure("libyaml returned an unexpected event type \(event.type.rawValue)")
    }
    return Event(
      kind: kind, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
  }

  /// Copies a NUL-terminated libyaml string (anchor names), or returns `nil` for a null pointer.
  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  /// Builds an error from the parser's error fields; libyaml owns the `problem` and `context`
  /// strings (they are static), so they are only copied.
  private func parserError() -> YAMLError {
    let state = parser.pointee
    let problem = state.problem.map { String(cString: $0) } ?? "unknown libyaml error"
    switch state.error {
    case YAML_MEMORY_ERROR:
      return YAMLError(
        code: .outOfMemory, message: "libyaml ran out of memory", line: 0, column: 0)
    case YAML_READER_ERROR:
      // Reader errors (bad encoding, control characters) carry a byte offset, not a mark.
      let line = Int(state.mark.line) + 1
      return YAMLError(
        code: .malformed,
        message: "\(problem) at byte offset \(state.problem_offset)",
        line: line, column: Int(state.mark.column) + 1)
    default:
      var message = problem
      if let context = state.context.map({ String(cString: $0) }) {
        let mark = state.context_mark
        message += " \(context) started at line \(mark.line + 1), column \(mark.column + 1)"
      }
      return YAMLError(
        code: .malformed, message: message,
        line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
    }
  }
}
