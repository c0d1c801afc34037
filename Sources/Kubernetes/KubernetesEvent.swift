/// A read-only view of a core/v1 Event: what happened to an object, such as `Pulled`, `Created`,
/// `Started` or a `Failed` restore; `json` holds the whole object.
public struct KubernetesEvent: Sendable {
  /// The whole object as the server returned it.
  public let json: JSONValue

  /// Wraps an Event object.
  public init(json: JSONValue) { self.json = json }

  /// `reason`, such as `Failed` or `BackOff`.
  public var reason: String { json["reason"]?.string ?? "" }
  /// `message`.
  public var message: String { json["message"]?.string ?? "" }
  /// `type`: `Normal` or `Warning`.
  public var type: String { json["type"]?.string ?? "" }
  /// How often it happened: `count`, else `series.count`, else 1.
  public var count: Int { json["count"]?.int ?? json.value(at: "series", "count")?.int ?? 1 }
  /// When it last happened (RFC 3339): `lastTimestamp`, else `series.lastObservedTime`, else
  /// `eventTime` (events written through events.k8s.io leave `lastTimestamp` null).
  public var lastTimestamp: String? {
    json["lastTimestamp"]?.string ?? json.value(at: "series", "lastObservedTime")?.string ?? json["eventTime"]?.string
  }
  /// `involvedObject.kind`.
  public var involvedObjectKind: String { json.value(at: "involvedObject", "kind")?.string ?? "" }
  /// `involvedObject.name`.
  public var involvedObjectName: String { json.value(at: "involvedObject", "name")?.string ?? "" }
}
