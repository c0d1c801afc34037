import Core
import Kubernetes

/// Creates the restore pod on the target node and waits until it runs and is Ready. Makes sure
/// the target has the base image first (CRI-O restores on top of it and does not pull it). On a
/// runtime failure or a timeout it fails with the kubelet's own words and deletes the restore
/// pod; it never touches the source.
public struct RestoreStage: StageExecutor {
  /// Container states that end a restore attempt (the pod will not become Ready by itself).
  static let fatalReasons: Set<String> = [
    "CreateContainerError", "CreateContainerConfigError", "ErrImagePull", "ImagePullBackOff", "InvalidImageName",
    "CrashLoopBackOff",
  ]

  let kubernetes: KubernetesClient
  let settings: StageSettings

  public init(kubernetes: KubernetesClient, settings: StageSettings) {
    self.kubernetes = kubernetes
    self.settings = settings
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    guard let image = job.image, let digest = image.digest, let container = job.source.container,
      let sourceBytes = artifacts.sourcePod
    else {
      throw StageError.terminal("the push stage recorded no image digest; retry the migration from push")
    }
    let sourcePod: JSONValue
    do { sourcePod = try JSONValue(parsing: sourceBytes) } catch {
      throw StageError.terminal("the stored source pod is not JSON: \(error)")
    }
    let namespace = job.source.namespace
    if let base = artifacts.baseImage {
      try await BaseImagePull(kubernetes: kubernetes, settings: settings).ensure(
        base, on: job.targetNode, namespace: namespace, job: job)
    }
    let manifest = RestorePodBuilder(
      job: job, sourcePod: sourcePod, container: container, image: "\(image.repository)@\(digest)",
      pullSecret: settings.pullSecret
    ).build()
    let name = RestorePodBuilder.name(for: job)
    let pod = try await createOrAdopt(manifest, name: name, namespace: namespace, job: job)
    let ready = try await waitUntilReady(name: name, namespace: namespace, container: container)
    return StageOutput(
      restoredPod: RestoredPod(namespace: namespace, name: name, node: job.targetNode, uid: ready.uid ?? pod.uid))
  }

  /// Creates the pod; when its name is taken by a pod of this job (an earlier attempt), adopts it.
  private func createOrAdopt(_ manifest: JSONValue, name: String, namespace: String, job: MigrationJob) async throws -> Pod {
    do {
      return try await kubernetes.createPod(namespace: namespace, manifest)
    } catch let error as KubernetesError where error.code == .alreadyExists {
      let existing: Pod
      do { existing = try await kubernetes.pod(namespace: namespace, name: name) } catch {
        throw StageError.from(error, while: "reading existing pod \(namespace)/\(name)")
      }
      guard existing.labels[RestorePodBuilder.migrationLabel] == job.id.rawValue else {
        throw StageError.terminal("pod \(namespace)/\(name) exists and is not podhop's restore pod for this migration")
      }
      return existing
    } catch let error as KubernetesError {
      throw StageError.from(error, while: "creating restore pod \(namespace)/\(name)")
    }
  }

  private func waitUntilReady(name: String, namespace: String, container: String) async throws -> Pod {
    var backoff = Backoff(first: settings.pollInterval, within: settings.restoreTimeout)
    var last: Pod?
    while true {
      do {
        let pod = try await kubernetes.pod(namespace: namespace, name: name)
        last = pod
        if pod.isReady && pod.containerStatuses.contains(where: { $0.name == container && $0.running }) { return pod }
        if let status = pod.containerStatuses.first(where: { Self.fatalReasons.contains($0.waitingReason ?? "") }) {
          let events = (try? await kubernetes.events(namespace: namespace, involvedObjectName: name)) ?? []
          let warning = events.last(where: { $0.type == "Warning" })?.message
          throw await fail(
            name: name, namespace: namespace,
            "restore failed: \(status.waitingReason ?? ""): \(status.waitingMessage ?? warning ?? "no message from the kubelet")")
        }
      } catch let error as KubernetesError where !error.isRetryable {
        throw StageError.from(error, while: "reading restore pod \(namespace)/\(name)")
      } catch is KubernetesError {
        // A transient read error while waiting: keep waiting within the deadline.
      }
      if backoff.expired {
        let state = last.map { "phase \($0.phase ?? "unknown")" } ?? "never read"
        throw await fail(
          name: name, namespace: namespace, "restore pod did not become Ready within \(settings.restoreTimeout) (\(state))")
      }
      try await backoff.wait()
    }
  }

  /// Deletes the failed restore pod (best effort) and returns the terminal error to throw.
  private func fail(name: String, namespace: String, _ message: String) async -> StageError {
    try? await kubernetes.deletePod(namespace: namespace, name: name)
    return .terminal(message)
  }
}
