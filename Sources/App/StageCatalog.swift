import API
import Core
import Foundation
import HTTPClient
import Kubernetes
import NodeAgent
import Registry
import Stages

/// Builds the stage executors from `podhop serve`'s settings. Without a cluster, a way to the
/// archives (node agents, or a mounted archive directory) and a registry, podhop serves its API
/// only: jobs then fail at pre-flight saying what is not configured, rather than pretending to run.
enum StageCatalog {
  /// The executors, or why there are none.
  enum Outcome {
    case ready([Stage: any StageExecutor], preflight: PreflightCheck, targets: TargetPlanning)
    case notConfigured(String)
  }

  static func build(_ configuration: StageConfiguration, environment: [String: String], logger: Logger) throws -> Outcome {
    guard configuration.checkpointDirectory != nil || configuration.agentNamespace != nil,
      let registryPrefix = configuration.registry
    else {
      return .notConfigured(
        "stages need --agent-namespace (or --checkpoint-dir) and --registry (and a cluster: --kubeconfig, KUBECONFIG or in-cluster)"
      )
    }
    let access: ClusterAccess
    do {
      access = try ClusterAccess.resolve(
        kubeconfig: configuration.kubeconfig, environment: environment,
        serviceAccountDirectory: configuration.serviceAccountDirectory)
    } catch {
      return .notConfigured("no cluster: \(error)")
    }
    var settings = StageSettings(registry: registryPrefix)
    settings.deleteArchives = configuration.deleteArchives
    settings.compression = configuration.compression
    settings.checkpointTimeout = configuration.checkpointTimeout
    settings.restoreTimeout = configuration.restoreTimeout
    settings.pullSecret = configuration.pullSecret
    if configuration.checkpointVia == "kubelet" {
      let ca = try configuration.kubeletCAFile.map { try read($0, "--kubelet-ca-file") } ?? access.tls.caPEM
      settings.checkpointPath = .kubelet(
        port: configuration.kubeletPort,
        tls: TLSConfiguration(
          caPEM: ca, clientCertificatePEM: access.tls.clientCertificatePEM,
          clientKeyPEM: access.tls.clientKeyPEM),
        token: access.bearerToken)
    }
    let kubernetes = KubernetesClient(access: access)
    let archives = try archiveHost(configuration, kubernetes: kubernetes, registryPrefix: registryPrefix, logger: logger)
    let preflightStage = PreflightStage(kubernetes: kubernetes)
    let preflight: PreflightCheck = { request in
      // A job that is never stored: pre-flight only reads it.
      let job = MigrationJob(
        id: MigrationID(), state: .queued, stage: .preflight, source: request.source, targetNode: request.targetNode,
        sourcePolicy: request.sourcePolicy, allowVolumes: request.allowVolumes, labels: request.labels, requestedBy: "preflight",
        trigger: .api, createdAt: Date(), updatedAt: Date(), stages: [])
      let output = try await preflightStage.check(job)
      return PreflightResult(
        report: output.preflight ?? PreflightReport(), sourceNode: output.sourceNode, container: output.container)
    }
    let planner = EvacuationPlanner(kubernetes: kubernetes)
    let targets = TargetPlanning(
      planEvacuation: { try await planner.plan($0) }, chooseTarget: { try await planner.chooseTarget(for: $0) })
    return .ready(
      [
        .preflight: preflightStage,
        .checkpoint: CheckpointStage(kubernetes: kubernetes, archives: archives, settings: settings),
        .build: BuildStage(archives: archives, settings: settings),
        .push: PushStage(kubernetes: kubernetes, archives: archives, settings: settings),
        .restore: RestoreStage(kubernetes: kubernetes, settings: settings),
        .finalize: FinalizeStage(kubernetes: kubernetes, archives: archives, settings: settings, logger: logger),
      ], preflight: preflight, targets: targets)
  }

  /// The node agents when `--agent-namespace` is set, else the mounted `--checkpoint-dir`.
  private static func archiveHost(
    _ configuration: StageConfiguration, kubernetes: KubernetesClient, registryPrefix: String, logger: Logger
  ) throws -> any CheckpointArchiveHost {
    guard let namespace = configuration.agentNamespace else {
      let host = String(registryPrefix.split(separator: "/").first ?? "")
      let registry = RegistryClient(configuration: try configuration.registryAccess.configuration(host: host))
      return LocalArchiveHost(directory: configuration.checkpointDirectory!, registry: registry)
    }
    guard let tokenFile = configuration.agentTokenFile else {
      throw ConfigurationError("--agent-namespace needs --agent-token-file: the agents accept only their token")
    }
    let token = try AgentToken.read(file: tokenFile)
    let ca = try configuration.agentCAFile.map { try read($0, "--agent-ca-file") }
    return AgentArchiveHost(
      discovery: AgentDiscovery(kubernetes: kubernetes, namespace: namespace, selector: configuration.agentSelector),
      scheme: ca == nil ? "http" : "https", token: token, http: HTTPClient(tls: TLSConfiguration(caPEM: ca)), logger: logger)
  }

  private static func read(_ path: String, _ flag: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("\(flag): cannot read \(path)") }
    return Array(data)
  }
}
