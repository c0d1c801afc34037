import API
import Core
import Foundation
import HTTPClient
import Kubernetes
import Registry
import Stages

/// Builds the stage executors from `podhop serve`'s settings. Without a cluster, an archive
/// directory and a registry, podhop serves its API only: jobs then fail at pre-flight saying
/// what is not configured, rather than pretending to run.
enum StageCatalog {
  /// The executors, or why there are none.
  enum Outcome {
    case ready([Stage: any StageExecutor], preflight: PreflightCheck, targets: TargetPlanning)
    case notConfigured(String)
  }

  static func build(_ configuration: StageConfiguration, environment: [String: String]) throws -> Outcome {
    guard let checkpointDirectory = configuration.checkpointDirectory, let registryPrefix = configuration.registry else {
      return .notConfigured("stages need --checkpoint-dir and --registry (and a cluster: --kubeconfig, KUBECONFIG or in-cluster)")
    }
    let access: ClusterAccess
    do {
      access = try ClusterAccess.resolve(kubeconfig: configuration.kubeconfig, environment: environment)
    } catch {
      return .notConfigured("no cluster: \(error)")
    }
    var settings = StageSettings(localCheckpointDirectory: checkpointDirectory, registry: registryPrefix)
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
    let registry = RegistryClient(configuration: try registryConfiguration(configuration, registryPrefix: registryPrefix))
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
        .checkpoint: CheckpointStage(kubernetes: kubernetes, settings: settings),
        .build: BuildStage(settings: settings),
        .push: PushStage(kubernetes: kubernetes, registry: registry, settings: settings),
        .restore: RestoreStage(kubernetes: kubernetes, settings: settings),
        .finalize: FinalizeStage(kubernetes: kubernetes),
      ], preflight: preflight, targets: targets)
  }

  private static func registryConfiguration(_ configuration: StageConfiguration, registryPrefix: String) throws
    -> RegistryConfiguration
  {
    let host = String(registryPrefix.split(separator: "/").first ?? "")
    var credentials: [String: RegistryCredentials] = [:]
    if let file = configuration.registryAuthFile {
      do {
        if let found = try RegistryCredentials.load(authFile: file, registry: host) { credentials[host] = found }
      } catch {
        throw ConfigurationError("--registry-auth-file: \(error)")
      }
    }
    let ca = try configuration.registryCAFile.map { try read($0, "--registry-ca-file") }
    guard (configuration.registryClientCertificateFile == nil) == (configuration.registryClientKeyFile == nil) else {
      throw ConfigurationError("--registry-client-cert and --registry-client-key go together")
    }
    let certificate = try configuration.registryClientCertificateFile.map { try read($0, "--registry-client-cert") }
    let key = try configuration.registryClientKeyFile.map { try read($0, "--registry-client-key") }
    return RegistryConfiguration(
      plainHTTPRegistries: configuration.insecureRegistries,
      tls: TLSConfiguration(caPEM: ca, clientCertificatePEM: certificate, clientKeyPEM: key), credentials: credentials)
  }

  private static func read(_ path: String, _ flag: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("\(flag): cannot read \(path)") }
    return Array(data)
  }
}
