import Core
import Kubernetes
import Testing

@testable import Stages

@Suite("Pre-flight checks")
struct PreflightChecksTests {
  func report(
    _ job: MigrationJob = Samples.job(), pod: Pod = Samples.pod(), source: Node? = Samples.node("node-a"),
    target: Node? = Samples.node("node-b")
  ) -> PreflightReport {
    PreflightChecks(job: job, pod: pod, sourceNode: source, targetNode: target).report()
  }

  func result(_ report: PreflightReport, _ name: String) -> PreflightReport.Result? {
    report.checks.first { $0.name == name }?.result
  }

  @Test("a running one-container bare pod between matching Ready nodes passes, and its container is resolved")
  func passes() {
    let checks = PreflightChecks(
      job: Samples.job(), pod: Samples.pod(), sourceNode: Samples.node("node-a"), targetNode: Samples.node("node-b"))
    #expect(checks.report().passed, "\(checks.report().failureSummary)")
    #expect(checks.container == "app")
  }

  @Test("a runtime version mismatch fails, naming both versions")
  func runtimeMismatch() {
    let report = report(target: Samples.node("node-b", runtime: "cri-o://1.30.0"))
    #expect(result(report, "runtime-match") == .fail)
    #expect(report.failureSummary.contains("cri-o://1.31.3") && report.failureSummary.contains("cri-o://1.30.0"))
  }

  @Test("several app containers fail unless there is one; a named container must exist")
  func containers() {
    #expect(result(report(pod: Samples.pod(containers: ["app", "sidecar"])), "single-app-container") == .fail)
    #expect(result(report(Samples.job(container: "nope")), "container-running") == .fail)
    #expect(result(report(pod: Samples.pod(running: false)), "container-running") == .fail)
  }

  @Test("an owned pod fails with sourcePolicy delete and warns with keep")
  func owner() {
    let owned = Samples.pod(owner: "counter-7d4b9")
    #expect(result(report(pod: owned), "owner") == .fail)
    #expect(result(report(Samples.job(policy: .keep), pod: owned), "owner") == .warn)
  }

  @Test("target problems: missing, not Ready, cordoned, same as source, other platform")
  func target() {
    #expect(result(report(target: nil), "target-node") == .fail)
    #expect(result(report(target: Samples.node("node-b", ready: false)), "target-node") == .fail)
    #expect(result(report(target: Samples.node("node-b", unschedulable: true)), "target-node") == .fail)
    #expect(result(report(target: Samples.node("node-a")), "target-node") == .fail)
    #expect(result(report(target: Samples.node("node-b", arch: "arm64")), "platform") == .fail)
  }

  @Test("PVC and hostPath volumes fail unless allowed; emptyDir warns; configMap passes")
  func volumes() {
    let pvc: JSONValue = ["name": "data", "persistentVolumeClaim": ["claimName": "c"]]
    let empty: JSONValue = ["name": "scratch", "emptyDir": [:]]
    let config: JSONValue = ["name": "conf", "configMap": ["name": "c"]]
    #expect(result(report(pod: Samples.pod(volumes: [pvc])), "volume-data") == .fail)
    #expect(result(report(Samples.job(allowVolumes: true), pod: Samples.pod(volumes: [pvc])), "volume-data") == .warn)
    #expect(result(report(pod: Samples.pod(volumes: [empty])), "volume-scratch") == .warn)
    #expect(report(pod: Samples.pod(volumes: [config])).passed)
  }

  @Test(
    "which runtimes can restore from an image",
    arguments: [
      ("cri-o", "1.25.4", PreflightReport.Result.fail), ("cri-o", "1.26.0", .pass), ("cri-o", "1.31.3", .pass),
      ("containerd", "2.0.5", .fail), ("containerd", "2.1.4", .pass), ("containerd", "2.2.7", .warn),
      ("containerd", "2.3.3", .pass),
      ("containerd", "2.3.4", .warn), ("containerd", "2.4.0", .fail), ("docker", "26.0.0", .fail),
    ])
  func runtimes(runtime: String, version: String, expected: PreflightReport.Result) {
    #expect(RuntimeSupport.restore(runtime: runtime, version: version).0 == expected)
  }
}
