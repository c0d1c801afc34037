import Core
import Kubernetes

/// The pre-flight checks as pure functions of what the API server says about the pod and the
/// two nodes, so every rule is testable without a cluster. See docs/operations.md for why each
/// rule exists.
struct PreflightChecks {
  let job: MigrationJob
  let pod: Pod
  let sourceNode: Node?
  let targetNode: Node?

  /// The container to move: the one named, or the only app container.
  var container: String? {
    job.source.container ?? (pod.containerNames.count == 1 ? pod.containerNames.first : nil)
  }

  func report() -> PreflightReport {
    var checks: [PreflightReport.Check] = []
    func add(_ name: String, _ result: PreflightReport.Result, _ message: String) {
      checks.append(.init(name: name, result: result, message: message))
    }
    let podName = "\(job.source.namespace)/\(job.source.pod)"
    add("pod-running", pod.phase == "Running" ? .pass : .fail, "pod \(podName) is \(pod.phase ?? "in an unknown phase")")
    checkContainers(add)
    checkOwner(add)
    checkNodes(add)
    checkRuntime(add)
    checkVolumes(add)
    return PreflightReport(checks: checks)
  }

  private func checkContainers(_ add: (String, PreflightReport.Result, String) -> Void) {
    let names = pod.containerNames
    if names.count > 1 {
      add(
        "single-app-container", .fail,
        "the pod has \(names.count) app containers (\(names.joined(separator: ", "))); podhop checkpoints one container, "
          + "and a restored pod holding only that one would drop the others")
    } else {
      add("single-app-container", .pass, "the pod has one app container")
    }
    guard let container else {
      add("container-running", .fail, "name the container to move with source.container")
      return
    }
    guard names.contains(container) else {
      add("container-running", .fail, "the pod has no container \(container); it has \(names.joined(separator: ", "))")
      return
    }
    let status = pod.containerStatuses.first { $0.name == container }
    add(
      "container-running", status?.running == true ? .pass : .fail,
      status?.running == true ? "container \(container) is running" : "container \(container) is not running")
  }

  private func checkOwner(_ add: (String, PreflightReport.Result, String) -> Void) {
    guard let owner = pod.ownerReferences.first else {
      add("owner", .pass, "a bare pod: nothing else will recreate or adopt it")
      return
    }
    let what = "the pod is managed by \(owner.kind) \(owner.name)"
    if job.sourcePolicy == .delete {
      add(
        "owner", .fail,
        "\(what): it would replace the source pod podhop deletes and would not manage the restored pod; "
          + "use sourcePolicy keep, or move a bare pod")
    } else {
      add(
        "owner", .warn,
        "\(what); the source is kept, and the restored pod gets none of its labels so the controller does not adopt it")
    }
  }

  private func checkNodes(_ add: (String, PreflightReport.Result, String) -> Void) {
    guard let sourceNode else {
      add("source-node", .fail, "the pod is not bound to a node the API server knows")
      return
    }
    add(
      "source-node", sourceNode.isReady ? .pass : .fail,
      "source node \(sourceNode.name) is \(sourceNode.isReady ? "" : "not ")Ready")
    guard let targetNode else {
      add("target-node", .fail, "target node \(job.targetNode) does not exist")
      return
    }
    if targetNode.name == sourceNode.name {
      add("target-node", .fail, "the pod already runs on \(targetNode.name)")
    } else if !targetNode.isReady {
      add("target-node", .fail, "target node \(targetNode.name) is not Ready")
    } else if targetNode.isUnschedulable {
      add("target-node", .fail, "target node \(targetNode.name) is cordoned (unschedulable)")
    } else {
      add("target-node", .pass, "target node \(targetNode.name) is Ready and schedulable")
    }
    let same = sourceNode.operatingSystem == targetNode.operatingSystem && sourceNode.architecture == targetNode.architecture
    add(
      "platform", same ? .pass : .fail,
      same
        ? "both nodes are \(sourceNode.operatingSystem)/\(sourceNode.architecture)"
        : "source is \(sourceNode.operatingSystem)/\(sourceNode.architecture), target is \(targetNode.operatingSystem)/\(targetNode.architecture); CRIU restores only on the same platform"
    )
  }

  private func checkRuntime(_ add: (String, PreflightReport.Result, String) -> Void) {
    guard let sourceNode, let targetNode else { return }
    let source = sourceNode.containerRuntimeVersion
    let target = targetNode.containerRuntimeVersion
    add(
      "runtime-match", source == target ? .pass : .fail,
      source == target
        ? "both nodes run \(source)"
        : "source runs \(source), target runs \(target); a checkpoint restores only on the same runtime kind and version")
    let (result, message) = RuntimeSupport.restore(runtime: targetNode.runtimeName, version: targetNode.runtimeVersion)
    add("runtime-restore", result, message)
  }

  private func checkVolumes(_ add: (String, PreflightReport.Result, String) -> Void) {
    var found = false
    for volume in pod.volumes {
      switch volume.kind {
      case .persistentVolumeClaim, .hostPath:
        found = true
        add(
          "volume-\(volume.name)", job.allowVolumes ? .warn : .fail,
          "\(volume.kind == .hostPath ? "hostPath" : "persistentVolumeClaim") volume \(volume.name): its data stays where it is and the restored pod mounts the same source "
            + (job.allowVolumes ? "(allowed by allowVolumes)" : "on the target node; set allowVolumes to accept that"))
      case .emptyDir:
        found = true
        add(
          "volume-\(volume.name)", .warn, "emptyDir \(volume.name) starts empty on the target: its contents are not checkpointed")
      default:
        continue  // configMap, secret, projected, downwardAPI: recreated from the API on the target
      }
    }
    if !found { add("volumes", .pass, "no volume whose data would be left behind") }
  }
}
