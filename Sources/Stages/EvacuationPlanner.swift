import Core
import Kubernetes

/// Decides where pods go when the caller names no target node: for an evacuation, every pod on
/// the node; for a single migration, one pod. A node qualifies when the pre-flight checks pass
/// against it (Ready, schedulable, not the source, same OS, architecture, runtime kind and
/// version, a runtime that restores), the pod's nodeSelector and tolerations allow it
/// (`SchedulingFit`), and it has room for the pod's CPU and memory requests;
/// among those, the one with the fewest pods planned so far wins (spreading), then the most
/// free memory. Every choice and every refusal carries its reason.
public struct EvacuationPlanner: Sendable {
  let kubernetes: KubernetesClient

  public init(kubernetes: KubernetesClient) { self.kubernetes = kubernetes }

  /// Plans moving every pod of `request.node`. DaemonSet and static (mirror) pods stay: they
  /// belong to their node.
  public func plan(_ request: EvacuationRequest) async throws -> EvacuationPlan {
    let cluster = try await ClusterSnapshot.read(kubernetes)
    guard let source = cluster.nodes.first(where: { $0.name == request.node }) else {
      throw StageError.terminal("node \(request.node) does not exist")
    }
    if let target = request.targetNode, !cluster.nodes.contains(where: { $0.name == target }) {
      throw StageError.terminal("target node \(target) does not exist")
    }
    var planned = PlannedLoad()
    var moves: [EvacuationPlan.Move] = []
    var skipped: [EvacuationPlan.Skip] = []
    let pods = cluster.pods.filter { $0.nodeName == source.name && $0.phase != "Succeeded" && $0.phase != "Failed" }
    for pod in pods.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
      let name = "\(pod.namespace)/\(pod.name)"
      if let owner = pod.ownerReferences.first(where: { $0.kind == "DaemonSet" }) {
        skipped.append(.init(pod: name, reason: "managed by DaemonSet \(owner.name): it runs on every node and stays"))
        continue
      }
      if pod.annotations["kubernetes.io/config.mirror"] != nil {
        skipped.append(.init(pod: name, reason: "a static pod of the node's kubelet: it stays with its node"))
        continue
      }
      let migration = NewMigration(
        source: PodReference(namespace: pod.namespace, pod: pod.name), targetNode: request.targetNode ?? "",
        sourcePolicy: request.sourcePolicy, allowVolumes: request.allowVolumes, labels: request.labels)
      switch choose(migration, pod: pod, source: source, cluster: cluster, planned: &planned) {
      case .success(let move): moves.append(move)
      case .failure(let refusal): skipped.append(.init(pod: name, reason: refusal.reason))
      }
    }
    return EvacuationPlan(moves: moves, skipped: skipped)
  }

  /// Chooses the target node for one migration whose request names none.
  public func chooseTarget(for migration: NewMigration) async throws -> EvacuationPlan.Move {
    let cluster = try await ClusterSnapshot.read(kubernetes)
    let name = "\(migration.source.namespace)/\(migration.source.pod)"
    guard let pod = cluster.pods.first(where: { $0.namespace == migration.source.namespace && $0.name == migration.source.pod })
    else { throw StageError.terminal("pod \(name) does not exist") }
    guard let source = cluster.nodes.first(where: { $0.name == pod.nodeName }) else {
      throw StageError.terminal("pod \(name) is not bound to a node the API server knows")
    }
    var planned = PlannedLoad()
    switch choose(migration, pod: pod, source: source, cluster: cluster, planned: &planned) {
    case .success(let move): return move
    case .failure(let refusal): throw StageError.terminal("pod \(name) cannot move: \(refusal.reason)")
    }
  }

  /// Why a pod cannot move.
  struct Refusal: Error {
    let reason: String
  }

  /// Load already planned per node in this plan: pods, CPU millicores, memory bytes.
  struct PlannedLoad {
    var pods: [String: Int] = [:]
    var cpu: [String: Int64] = [:]
    var memory: [String: Int64] = [:]
  }

  private func choose(
    _ migration: NewMigration, pod: Pod, source: Node, cluster: ClusterSnapshot, planned: inout PlannedLoad
  ) -> Result<EvacuationPlan.Move, Refusal> {
    let reference = PodReference(namespace: pod.namespace, pod: pod.name)
    let candidates =
      migration.targetNode.isEmpty
      ? cluster.nodes.filter { $0.name != source.name } : cluster.nodes.filter { $0.name == migration.targetNode }
    // Checks that do not depend on the target fail the pod whatever the node.
    let podChecks = Set(["target-node", "platform", "runtime-match", "runtime-restore"])
    let cpu = pod.requested("cpu")
    let memory = pod.requested("memory")
    var rejections: [String] = []
    var fitting: [(node: Node, freeCPU: Int64, freeMemory: Int64)] = []
    for node in candidates {
      var job = MigrationJob(
        id: MigrationID(), state: .queued, stage: .preflight, source: reference, targetNode: node.name,
        sourcePolicy: migration.sourcePolicy, allowVolumes: migration.allowVolumes, requestedBy: "planner", trigger: .api,
        createdAt: .init(), updatedAt: .init(), stages: [])
      job.labels = migration.labels
      let report = PreflightChecks(job: job, pod: pod, sourceNode: source, targetNode: node).report()
      let podFailures = report.checks.filter { $0.result == .fail && !podChecks.contains($0.name) }
      if !podFailures.isEmpty {
        return .failure(Refusal(reason: "pre-flight: " + podFailures.map(\.message).joined(separator: "; ")))
      }
      if let failure = report.checks.first(where: { $0.result == .fail }) {
        rejections.append("\(node.name): \(failure.message)")
        continue
      }
      if let problem = SchedulingFit.problem(pod: pod, node: node) {
        rejections.append("\(node.name): \(problem)")
        continue
      }
      let freeCPU =
        (ResourceQuantity.milli(node.allocatable["cpu"] ?? "") ?? 0) - cluster.requested("cpu", on: node.name)
        - planned.cpu[node.name, default: 0]
      let freeMemory =
        (ResourceQuantity.whole(node.allocatable["memory"] ?? "") ?? 0)
        - cluster.requested("memory", on: node.name) - planned.memory[node.name, default: 0]
      guard freeCPU >= cpu, freeMemory >= memory else {
        rejections.append(
          "\(node.name): not enough room (\(freeCPU)m CPU and \(freeMemory) bytes of memory free; the pod requests \(cpu)m and \(memory))"
        )
        continue
      }
      fitting.append((node, freeCPU, freeMemory))
    }
    guard
      let best = fitting.min(by: { a, b in
        let (pa, pb) = (planned.pods[a.node.name, default: 0], planned.pods[b.node.name, default: 0])
        return pa != pb ? pa < pb : (a.freeMemory != b.freeMemory ? a.freeMemory > b.freeMemory : a.node.name < b.node.name)
      })
    else {
      let why = rejections.isEmpty ? "no other node" : rejections.joined(separator: "; ")
      return .failure(Refusal(reason: "no compatible node with room: \(why)"))
    }
    let name = best.node.name
    let reason =
      migration.targetNode.isEmpty
      ? "\(name): passes pre-flight (\(source.containerRuntimeVersion), \(best.node.operatingSystem)/\(best.node.architecture)); "
        + "\(best.freeCPU)m CPU and \(best.freeMemory) bytes free before this pod; "
        + "\(planned.pods[name, default: 0]) pods already planned there, the fewest of \(fitting.count) fitting nodes"
      : ""
    planned.pods[name, default: 0] += 1
    planned.cpu[name, default: 0] += cpu
    planned.memory[name, default: 0] += memory
    return .success(.init(pod: reference, targetNode: name, reason: reason))
  }
}

/// The nodes and pods as the API server listed them, once per plan.
struct ClusterSnapshot {
  let nodes: [Node]
  let pods: [Pod]

  static func read(_ kubernetes: KubernetesClient) async throws -> ClusterSnapshot {
    do {
      return ClusterSnapshot(nodes: try await kubernetes.nodes(), pods: try await kubernetes.podsInAllNamespaces())
    } catch {
      throw StageError.from(error, while: "listing nodes and pods")
    }
  }

  /// Requests of the pods bound to `node` that still hold resources.
  func requested(_ resource: String, on node: String) -> Int64 {
    pods.filter { $0.nodeName == node && $0.phase != "Succeeded" && $0.phase != "Failed" }.reduce(0) {
      $0 + $1.requested(resource)
    }
  }
}
