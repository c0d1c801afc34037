import Core
import Crypto
import Foundation

/// Turns the body of `POST /v1/migrations` into a `NewMigration`, collecting every problem
/// (unknown fields, wrong types, invalid names) as field errors instead of stopping at the first.
enum MigrationRequestDecoder {
  static let maxLabels = 64

  static func decode(_ body: [UInt8]) throws(Problem) -> NewMigration {
    let object = try object(body)
    var errors: [Problem.FieldError] = []
    func fail(_ field: String, _ message: String) { errors.append(.init(field: field, message: message)) }
    for key in object.keys.sorted() where !["source", "targetNode", "sourcePolicy", "allowVolumes", "labels"].contains(key) {
      fail(key, "unknown field")
    }
    var source = PodReference(namespace: "", pod: "")
    if let sourceObject = object["source"] as? [String: Any] {
      for key in sourceObject.keys.sorted() where !["namespace", "pod", "container"].contains(key) {
        fail("source.\(key)", "unknown field")
      }
      source.namespace =
        name(sourceObject["namespace"], "source.namespace", required: true, KubernetesName.labelProblem, fail) ?? ""
      source.pod = name(sourceObject["pod"], "source.pod", required: true, KubernetesName.subdomainProblem, fail) ?? ""
      source.container = name(sourceObject["container"], "source.container", required: false, KubernetesName.labelProblem, fail)
    } else {
      fail("source", object["source"] == nil ? "is required" : "must be an object")
    }
    // Absent: podhop chooses a compatible node (NewMigration.targetNode stays empty until then).
    let targetNode = name(object["targetNode"], "targetNode", required: false, KubernetesName.subdomainProblem, fail) ?? ""
    let (policy, allowVolumes, labels) = options(object, fail)
    if !errors.isEmpty { throw Problem.invalid("the migration request has invalid fields", errors: errors) }
    return NewMigration(source: source, targetNode: targetNode, sourcePolicy: policy, allowVolumes: allowVolumes, labels: labels)
  }

  /// The options a migration and an evacuation share: `sourcePolicy`, `allowVolumes`, `labels`.
  static func options(_ object: [String: Any], _ fail: (String, String) -> Void) -> (SourcePolicy, Bool, [String: String]) {
    var policy = SourcePolicy.delete
    if let raw = object["sourcePolicy"] {
      if let text = raw as? String, let value = SourcePolicy(rawValue: text) {
        policy = value
      } else {
        fail("sourcePolicy", "must be one of: delete, keep")
      }
    }
    var allowVolumes = false
    if let raw = object["allowVolumes"] {
      if let flag = raw as? NSNumber, type(of: flag) == type(of: NSNumber(value: true)) {
        allowVolumes = flag.boolValue
      } else {
        fail("allowVolumes", "must be true or false")
      }
    }
    var labels: [String: String] = [:]
    if let raw = object["labels"] {
      if let map = raw as? [String: Any] {
        if map.count > maxLabels { fail("labels", "at most \(maxLabels) labels") }
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
          if let problem = labelKeyProblem(key) { fail("labels.\(key)", problem); continue }
          guard let text = value as? String, !(value is NSNumber) else { fail("labels.\(key)", "must be a string"); continue }
          // Characters (Unicode scalars), as JSON Schema's maxLength in openapi.yaml counts them.
          if text.unicodeScalars.count > 256 { fail("labels.\(key)", "must be at most 256 characters"); continue }
          labels[key] = text
        }
      } else {
        fail("labels", "must be an object of strings")
      }
    }
    return (policy, allowVolumes, labels)
  }

  /// The JSON object of a request body, or the problem with it.
  static func object(_ body: [UInt8]) throws(Problem) -> [String: Any] {
    let parsed: Any
    do { parsed = try JSONSerialization.jsonObject(with: Data(body), options: []) } catch {
      throw Problem.badRequest("the body is not valid JSON")
    }
    guard let object = parsed as? [String: Any] else { throw Problem.invalid("the body must be a JSON object") }
    return object
  }

  /// A label key: 1–128 characters of letters, digits and `.`, `_`, `/`, `-`.
  static func labelKeyProblem(_ key: String) -> String? {
    guard !key.isEmpty, key.utf8.count <= 128 else { return "label keys must have 1 to 128 characters" }
    guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._/-".contains($0)) }) else {
      return "label keys may use letters, digits and . _ / -"
    }
    return nil
  }

  static func name(
    _ value: Any?, _ field: String, required: Bool, _ rule: (String) -> String?, _ fail: (String, String) -> Void
  ) -> String? {
    guard let value else {
      if required { fail(field, "is required") }
      return nil
    }
    // null is not a string: openapi.yaml types these fields as strings, so an optional field is
    // left out rather than sent as null.
    if value is NSNull {
      fail(field, required ? "is required" : "must be a string")
      return nil
    }
    guard let text = value as? String, !(value is NSNumber) else {
      fail(field, "must be a string")
      return nil
    }
    if let problem = rule(text) {
      fail(field, problem)
      return nil
    }
    return text
  }

  /// A canonical form of the request for Idempotency-Key comparison: equal requests hash equal
  /// whatever their whitespace or key order.
  static func canonicalHash(_ request: NewMigration) -> String {
    var object: [String: Any] = [
      "source": [
        "namespace": request.source.namespace, "pod": request.source.pod,
        "container": request.source.container.map { $0 as Any } ?? NSNull(),
      ] as [String: Any],
      "targetNode": request.targetNode, "sourcePolicy": request.sourcePolicy.rawValue, "labels": request.labels,
      "allowVolumes": request.allowVolumes,
    ]
    object["v"] = 1
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return SHA256.hexDigest(SHA256.hash(Array(data)))
  }
}
