import Core
import Kubernetes

/// Asks the kubelet on the source node to checkpoint the container, checks the archive path it
/// answers, and records the archive's path and its size (read where the archives are: the
/// mounted directory or the node agent).
public struct CheckpointStage: StageExecutor {
  let kubernetes: KubernetesClient
  let archives: any CheckpointArchiveHost
  let settings: StageSettings

  public init(kubernetes: KubernetesClient, archives: any CheckpointArchiveHost, settings: StageSettings) {
    self.kubernetes = kubernetes
    self.archives = archives
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
    let file = try CheckpointLocation(settings: settings).archiveName(forKubeletPath: path, job: job, container: container)
    let size = try await archives.size(of: file, node: node)
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

/// Maps the kubelet's archive path to the archive's file name, refusing anything but an archive
/// of this container directly inside the kubelet's checkpoint directory.
struct CheckpointLocation {
  let settings: StageSettings

  /// The archive file name a job recorded, checked as at checkpoint time.
  static func archiveName(_ job: MigrationJob, settings: StageSettings) throws -> String {
    guard let archive = job.checkpoint?.archive, let container = job.source.container else {
      throw StageError.terminal("the checkpoint stage recorded no archive; retry the migration from checkpoint")
    }
    return try CheckpointLocation(settings: settings).archiveName(forKubeletPath: archive, job: job, container: container)
  }

  func archiveName(forKubeletPath path: String, job: MigrationJob, container: String) throws -> String {
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
    return name
  }
}
