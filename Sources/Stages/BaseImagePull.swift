import Core
import Kubernetes

/// Makes sure a node has the checkpoint's base image: CRI-O restores on top of it and does not
/// pull it (kubernetes-checkpoint.md §0.6). If the node lacks it, a short-lived pod that uses
/// the image on that node makes the kubelet pull it.
struct BaseImagePull {
  let kubernetes: KubernetesClient
  let settings: StageSettings

  func ensure(_ image: String, on nodeName: String, namespace: String, job: MigrationJob) async throws {
    if try await nodeHas(image, nodeName) { return }
    let name = "podhop-pull-\(job.id.rawValue.prefix(8))"
    let pod: JSONValue = .object([
      "apiVersion": .string("v1"), "kind": .string("Pod"),
      "metadata": .object([
        "name": .string(name), "namespace": .string(namespace),
        "labels": .object([RestorePodBuilder.migrationLabel: .string(job.id.rawValue)]),
      ]),
      "spec": .object([
        "nodeName": .string(nodeName), "restartPolicy": .string("Never"),
        "containers": .array([
          .object([
            "name": .string("pull"), "image": .string(image), "imagePullPolicy": .string("IfNotPresent"),
            "command": .array([.string("true")]),
          ])
        ]),
      ]),
    ])
    do {
      _ = try await kubernetes.createPod(namespace: namespace, pod)
    } catch let error as KubernetesError where error.code == .alreadyExists {
      // An earlier attempt created it; wait for it the same way.
    } catch let error as KubernetesError {
      throw StageError.from(error, while: "creating base image pull pod \(namespace)/\(name)")
    }
    // The pull pod is deleted whatever the outcome.
    let outcome: Result<Void, any Error>
    do {
      try await waitForImage(image, on: nodeName, pullPod: name, namespace: namespace)
      outcome = .success(())
    } catch {
      outcome = .failure(error)
    }
    try? await kubernetes.deletePod(namespace: namespace, name: name)
    try outcome.get()
  }

  private func waitForImage(_ image: String, on nodeName: String, pullPod name: String, namespace: String) async throws {
    var backoff = Backoff(first: settings.pollInterval, within: settings.restoreTimeout)
    while true {
      if try await nodeHas(image, nodeName) { return }
      if let status = try? await kubernetes.pod(namespace: namespace, name: name).containerStatuses.first,
        let reason = status.waitingReason, RestoreStage.fatalReasons.contains(reason)
      {
        throw StageError.terminal(
          "base image \(image) cannot be pulled on \(nodeName): \(reason): \(status.waitingMessage ?? "")")
      }
      if backoff.expired {
        throw StageError.terminal("node \(nodeName) did not pull base image \(image) within \(settings.restoreTimeout)")
      }
      try await backoff.wait()
    }
  }

  private func nodeHas(_ image: String, _ nodeName: String) async throws -> Bool {
    do { return try await kubernetes.node(nodeName).images.contains(image) } catch {
      throw StageError.from(error, while: "reading node \(nodeName)")
    }
  }
}
