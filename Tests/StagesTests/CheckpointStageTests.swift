import Core
import Kubernetes
import Testing

@testable import Stages

@Suite("Checkpoint paths and errors")
struct CheckpointStageTests {
  let location = CheckpointLocation(settings: StageSettings(registry: "r/p"))

  @Test("an archive of this container directly in the kubelet's directory maps to its file name")
  func accepted() throws {
    let name = try location.archiveName(
      forKubeletPath: "/var/lib/kubelet/checkpoints/checkpoint-counter_default-app-2026-12-03T14:00:00Z.tar", job: Samples.job(),
      container: "app")
    #expect(name == "checkpoint-counter_default-app-2026-12-03T14:00:00Z.tar")
  }

  @Test(
    "any other path is refused",
    arguments: [
      "/etc/shadow", "/var/lib/kubelet/checkpoints/../../etc/shadow.tar",
      "/var/lib/kubelet/checkpoints/sub/checkpoint-counter_default-app-x.tar",
      "/var/lib/kubelet/checkpoints/checkpoint-other_default-app-x.tar",
      "/var/lib/kubelet/checkpoints/checkpoint-counter_default-app-x.zip",
    ])
  func refused(_ path: String) {
    #expect(throws: StageError.self) { try location.archiveName(forKubeletPath: path, job: Samples.job(), container: "app") }
  }

  @Test("kubelet errors: feature gate off, missing container, RBAC, transient and permanent runtime failures")
  func errors() {
    func classify(_ status: Int, _ message: String) -> StageError {
      CheckpointFailure.classify(
        KubernetesError(
          code: status == 403 ? .forbidden : status == 404 ? .notFound : .serverError, status: status, message: message),
        node: "node-a")
    }
    let gate = classify(404, "404 page not found")
    #expect(!gate.isRetryable && gate.message.contains("ContainerCheckpoint"))
    #expect(!classify(404, "container app does not exist").isRetryable)
    let forbidden = classify(403, "Forbidden (user=x, verb=create, resource=nodes, subresource(s)=[checkpoint])")
    #expect(!forbidden.isRetryable && forbidden.message.contains("nodes/checkpoint") && forbidden.message.contains("nodes/proxy"))
    #expect(classify(500, "checkpointing of default/counter/app failed (cannot pause a paused container)").isRetryable)
    #expect(!classify(500, "checkpointing of default/counter/app failed (CRIU binary not found or too old (<31600))").isRetryable)
    #expect(classify(503, "unavailable").isRetryable)
  }
}
