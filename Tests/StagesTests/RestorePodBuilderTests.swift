import Core
import Kubernetes
import Testing

@testable import Stages

@Suite("Restore pod")
struct RestorePodBuilderTests {
  func build(_ pod: Pod = Samples.pod(), pullSecret: String? = "registry") -> JSONValue {
    RestorePodBuilder(
      job: Samples.job(), sourcePod: pod.json, container: "app", image: "reg:5000/p/default/counter@sha256:abc",
      pullSecret: pullSecret
    )
    .build()
  }

  @Test("pinned to the target by name, the checkpoint image by digest, every mount kept, no affinity")
  func shape() throws {
    let pod = build()
    let spec = try #require(pod["spec"])
    #expect(spec["nodeName"]?.string == "node-b")
    #expect(spec["affinity"] == nil && spec["nodeSelector"] == nil)
    let container = try #require(spec["containers"]?.array?.first)
    #expect(container["image"]?.string == "reg:5000/p/default/counter@sha256:abc")
    #expect(container["volumeMounts"]?.array?.first?["mountPath"]?.string == "/data")
    #expect(spec["serviceAccountName"]?.string == "worker")
    #expect(spec["imagePullSecrets"]?.array?.first?["name"]?.string == "registry")
    #expect(pod["metadata"]?["name"]?.string == "counter-hop-0f8fad5b")
    #expect(pod["metadata"]?["labels"]?["podhop.io/migration"]?.string == "0f8fad5b-d9cb-469f-a165-70867728950e")
    #expect(pod["metadata"]?["labels"]?["app"]?.string == "counter")
    #expect(pod["metadata"]?["annotations"]?["podhop.io/source-pod"]?.string == "default/counter")
  }

  @Test("an owned pod's labels are not copied, so its controller cannot adopt the restored pod")
  func ownedLabels() {
    let labels = build(Samples.pod(owner: "counter-7d4b9"))["metadata"]?["labels"]?.object ?? [:]
    #expect(labels.keys.sorted() == ["podhop.io/migration"])
  }

  @Test("names stay valid for long pod names")
  func longNames() {
    let name = RestorePodBuilder.name(
      for: Samples.job(pod: String(repeating: "a", count: 45) + "-" + String(repeating: "b", count: 100)))
    #expect(name.count <= 63 && KubernetesName.labelProblem(name) == nil, "\(name)")
  }
}
