import Kubernetes
import Testing

@Suite("Scheduling fit of a pinned pod")
struct SchedulingFitTests {
  func node(labels: String = #"{"zone": "a"}"#, taints: String = "[]") throws -> Node {
    Node(
      json: try JSONValue(
        parsing: Array(#"{"metadata": {"name": "n", "labels": \#(labels)}, "spec": {"taints": \#(taints)}}"#.utf8)))
  }

  func pod(_ spec: String) throws -> Pod {
    Pod(json: try JSONValue(parsing: Array(#"{"metadata": {"name": "p"}, "spec": \#(spec)}"#.utf8)))
  }

  @Test("nodeSelector must match the node's labels")
  func nodeSelector() throws {
    #expect(SchedulingFit.problem(pod: try pod(#"{"nodeSelector": {"zone": "a"}}"#), node: try node()) == nil)
    #expect(
      SchedulingFit.problem(pod: try pod(#"{"nodeSelector": {"zone": "b"}}"#), node: try node())
        == "its nodeSelector wants zone=b, the node has zone=a")
    #expect(
      SchedulingFit.problem(pod: try pod(#"{"nodeSelector": {"gpu": "yes"}}"#), node: try node())
        == "its nodeSelector wants gpu=yes, the node has no gpu label")
  }

  @Test("NoSchedule and NoExecute taints need a toleration (Equal or Exists, any or the same effect); PreferNoSchedule does not")
  func taints() throws {
    let tainted = try node(
      taints: #"[{"key": "dedicated", "value": "db", "effect": "NoSchedule"}, {"key": "soft", "effect": "PreferNoSchedule"}]"#)
    #expect(SchedulingFit.problem(pod: try pod("{}"), node: tainted) == "it does not tolerate the taint dedicated=db:NoSchedule")
    let tolerations = [
      #"[{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]"#,
      #"[{"key": "dedicated", "operator": "Exists"}]"#, #"[{"operator": "Exists"}]"#,
    ]
    for toleration in tolerations {
      #expect(SchedulingFit.problem(pod: try pod(#"{"tolerations": \#(toleration)}"#), node: tainted) == nil, "\(toleration)")
    }
    let wrong = [
      #"[{"key": "dedicated", "operator": "Equal", "value": "web"}]"#,
      #"[{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}]"#,
    ]
    for toleration in wrong {
      #expect(SchedulingFit.problem(pod: try pod(#"{"tolerations": \#(toleration)}"#), node: tainted) != nil, "\(toleration)")
    }
  }
}
