import Core
import Foundation
import Kubernetes

/// Asks the kubelet on the source node to checkpoint the container, checks the archive path it
/// answers, and records the archive's path and size as podhop sees it.
public struct CheckpointStage: StageExecutor {
  let kubernetes: KubernetesClient
  let settings: StageSettings

  public init(kubernetes: KubernetesClient, settings: StageSettings) {
    self.kubernetes = kubernetes
    self.settings = settings
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    guard let node = job.sourceNode, let container = job.source.container else {
      throw StageError.terminal("pre-flight recorded no source node or container; retry the migration from pre-flight")
    }
    let path: String
    do {
      switch settings.checkpointPath {
      case .apiServerProxy:
        path = try await kubernetes.checkpointThroughProxy(
          node: node, namespace: job.source.namespace, pod: job.source.pod, container: container,
          timeout: settings.checkpointTimeout)
      case .kubelet(let port, let tls, let token):
        guard let address = try await kubernetes.node(node).internalIP else {
          throw StageError.terminal("node \(node) reports no InternalIP to reach its kubelet")
        }
        let host = address.contains(":") ? "[\(address)]" : address
        path = try await KubeletClient(baseURL: "https://\(host):\(port)", tls: tls, token: token).checkpoint(
          namespace: job.source.namespace, pod: job.source.pod, container: container, timeout: settings.checkpointTimeout)
      }
    } catch let error as KubernetesError {
      throw CheckpointFailure.classify(error, node: node)
    }
    let local = try CheckpointLocation(settings: settings).localFile(forKubeletPath: path, job: job, container: container)
    guard let size = (try? FileManager.default.attributesOfItem(atPath: local))?[.size] as? Int64 else {
      throw StageError.terminal(
        "the kubelet wrote \(path) on node \(node), but \(local) is not readable here: podhop reads archives from "
          + "--checkpoint-dir, which must be that node's \(settings.kubeletCheckpointDirectory)")
    }
    return StageOutput(checkpoint: CheckpointArchive(archive: path, sizeBytes: size))
  }
}

/// The kubelet's checkpoint errors (kubernetes-checkpoint.md §1.2) as queue decisions.
enum CheckpointFailure {
  static let transient = ["cannot pause a paused container", "ctrd-checkpoint/status: no such file or directory"]

  static func classify(_ error: KubernetesError, node: String) -> StageError {
    switch error.status {
    case 404 where error.message.contains("404 page not found"):
      return .terminal(
        "the kubelet on \(node) has no checkpoint endpoint: enable the ContainerCheckpoint feature gate on that kubelet")
    case 404:
      return .terminal("checkpoint on \(node): \(error.message)")
    case 403:
      return .terminal(
        "checkpoint on \(node) forbidden (\(error.message)): grant create on nodes/checkpoint for direct kubelet calls, or "
          + "nodes/proxy through the API server; on kubeadm ≥ 1.35.5 also bind nodes/checkpoint create to kube-apiserver-kubelet-client"
      )
    case 500 where transient.contains(where: error.message.contains):
      return .retryable("checkpoint on \(node): \(error.message)")
    case 500:
      return .terminal("checkpoint on \(node) failed in the container runtime: \(error.message)")
    default:
      return .from(error, while: "checkpoint on \(node)")
    }
  }
}

/// Maps the kubelet's archive path to the file podhop reads, refusing anything but an archive
/// of this container directly inside the kubelet's checkpoint directory.
struct CheckpointLocation {
  let settings: StageSettings

  func localFile(forKubeletPath path: String, job: MigrationJob, container: String) throws -> String {
    let directory =
      settings.kubeletCheckpointDirectory.hasSuffix("/")
      ? settings.kubeletCheckpointDirectory : settings.kubeletCheckpointDirectory + "/"
    let name = String(path.dropFirst(directory.count))
    let expectedPrefix = "checkpoint-\(job.source.pod)_\(job.source.namespace)-\(container)-"
    guard path.hasPrefix(directory), !name.contains("/"), name != "..", name.hasPrefix(expectedPrefix), name.hasSuffix(".tar")
    else {
      throw StageError.terminal(
        "the kubelet answered with archive path \(path), which is not \(directory)\(expectedPrefix)<time>.tar; refusing to read it"
      )
    }
    return settings.localCheckpointDirectory + "/" + name
  }
}
