/// Assembles the first document's events into a `YAMLNode` tree, resolving aliases and enforcing
/// the depth and node-count limits as events arrive.
///
/// The tree is built with an explicit stack rather than recursion, so hostile nesting cannot
/// overflow the thread's stack before the depth limit stops it. An alias reuses its anchor's
/// already-built node (Swift shares the storage), but is charged for every node it stands for;
/// that charge is what bounds a "billion laughs" document.
struct DocumentBuilder {
  /// A finished node with what it costs: its node count once every alias in it is expanded, and
  /// its height in collection levels (0 for a scalar).
  private struct Built {
    let node: YAMLNode
    let count: Int
    let height: Int
  }

  /// A collection whose end event has not arrived yet.
  private struct OpenCollection {
    enum Content {
      case sequence([YAMLNode])
      case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?)
    }

    var content: Content
    let anchor: String?
    /// `nodeCount` just before the collection started, to compute the count of its subtree.
    let countAtStart: Int
    /// The greatest height among the children so far.
    var childHeight = 0
  }

  private let maxDepth: Int
  private let maxNodes: Int
  private var open: [OpenCollection] = []
  private var anchors: [String: Built] = [:]
  /// Nodes in the document so far, with aliases expanded.
  private var nodeCount = 0

  /// The root, once the outermost node has been completed.
  private(set) var root: YAMLNode?

  init(maxDepth: Int, maxNodes: Int) {
    self.maxDepth = maxDepth
    self.maxNodes = maxNodes
  }

  /// Feeds one event that belongs inside a document (not stream or document markers).
  mutating func consume(_ event: Event) throws(YAMLError) {
    switch event.kind {
    case .scalar(let text, let anchor, let quoted):
      try charge(1, at: event)
      let built = Built(node: .scalar(text, quoted: quoted), count: 1, height: 0)
      if let anchor { anchors[anchor] = built }
      add(built)
    case .alias(let anchor):
      guard let target = anchors[anchor] else {
        throw YAMLError(
          code: .unknownAlias, message: "alias refers to an anchor not defined before it",
          line: event.line, column: event.column)
      }
      guard open.count + target.height <= maxDepth else {
        throw tooDeep(at: event)
      }
      try charge(target.count, at: event)
      add(target)
    case .sequenceStart(let anchor):
      try start(.sequence([]), anchor: anchor, at: event)
    case .mappingStart(let anchor):
      try start(.mapping([], pendingKey: nil), anchor: anchor, at: event)
    case .sequenceEnd, .mappingEnd:
      // libyaml only emits an end event that matches an open collection.
      guard let collection = open.popLast() else {
        preconditionFailure("libyaml emitted a collection end with no open collection")
      }
      let node: YAMLNode
      switch collection.content {
      case .sequence(let items):
        node = .sequence(items)
      case .mapping(let entries, _):
        node = .mapping(entries)
      }
      // The collection itself was charged when it started, so it is already in the difference.
      let built = Built(
        node: node, count: nodeCount - collection.countAtStart,
        height: collection.childHeight + 1)
      if let anchor = collection.anchor { anchors[anchor] = built }
      add(built)
    case .streamStart, .streamEnd, .documentStart, .documentEnd:
      preconditionFailure("DocumentBuilder only takes events inside a document")
    }
  }

  private mutating func start(
    _ content: OpenCollection.Content, anchor: String?, at event: Event
  ) throws(YAMLError) {
    guard open.count < maxDepth else { throw tooDeep(at: event) }
    try charge(1, at: event)
    open.append(OpenCollection(content: content, anchor: anchor, countAtStart: nodeCount - 1))
  }

  /// Adds `count` nodes to the running total, or throws once it would pass `maxNodes`.
  private mutating func charge(_ count: Int, at event: Event) throws(YAMLError) {
    // Both operands are at most maxNodes, so the comparison cannot overflow.
    guard count <= maxNodes - nodeCount else {
      throw YAMLError(
        code: .tooManyNodes,
        message: "document expands to more than \(maxNodes) nodes, counting each alias use",
        line: event.line, column: event.column)
    }
    nodeCount += count
  }

  /// Places a finished node into the innermost open collection, or makes it the root.
  private mutating func add(_ built: Built) {
    guard var parent = open.popLast() else {
      root = built.node
      return
    }
    parent.childHeight = max(parent.childHeight, built.height)
    switch parent.content {
    case .sequence(var items):
      // Reset the content first so `items` is uniquely referenced and appends do not copy.
      parent.content = .sequence([])
      items.append(built.node)
      parent.content = .sequence(items)
    case .mapping(var entries, let pendingKey):
      parent.content = .mapping([], pendingKey: nil)
      if let key = pendingKey {
        entries.append((key: key, value: built.node))
        parent.content = .mapping(entries, pendingKey: nil)
      } else {
        parent.content = .mapping(entries, pendingKey: built.node)
      }
    }
    open.append(parent)
  }

  private func tooDeep(at event: Event) -> YAMLError {
    YAMLError(
      code: .tooDeep, message: "collections nest deeper than \(maxDepth) levels",
      line: event.line, column: event.column)
  }
}
