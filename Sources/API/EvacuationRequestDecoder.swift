import Core
import Foundation

/// Turns the body of `POST /v1/evacuations` (and of a `drain` hook delivery) into an
/// `EvacuationRequest`, collecting every problem as field errors.
enum EvacuationRequestDecoder {
  static func decode(_ body: [UInt8]) throws(Problem) -> EvacuationRequest {
    let object = try MigrationRequestDecoder.object(body)
    var errors: [Problem.FieldError] = []
    func fail(_ field: String, _ message: String) { errors.append(.init(field: field, message: message)) }
    for key in object.keys.sorted() where !["node", "targetNode", "sourcePolicy", "allowVolumes", "labels"].contains(key) {
      fail(key, "unknown field")
    }
    let node = MigrationRequestDecoder.name(object["node"], "node", required: true, KubernetesName.subdomainProblem, fail)
    let target = MigrationRequestDecoder.name(
      object["targetNode"], "targetNode", required: false, KubernetesName.subdomainProblem, fail)
    if let node, node == target { fail("targetNode", "must differ from node") }
    let (policy, allowVolumes, labels) = MigrationRequestDecoder.options(object, fail)
    if !errors.isEmpty { throw Problem.invalid("the evacuation request has invalid fields", errors: errors) }
    return EvacuationRequest(
      node: node ?? "", targetNode: target, sourcePolicy: policy, allowVolumes: allowVolumes, labels: labels)
  }
}
