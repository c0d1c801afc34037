import Kubernetes
import OCI

/// The settings of the Kubernetes and image stages, as given to `podhop serve`.
public struct StageConfiguration: Sendable {
  /// Kubeconfig path; nil means $KUBECONFIG, then in-cluster.
  public var kubeconfig: String?
  /// Where in-cluster configuration reads the service account's token and CA.
  public var serviceAccountDirectory = ClusterAccess.defaultServiceAccountDirectory
  public var checkpointDirectory: String?
  public var registry: String?
  /// Credentials, CA, client certificate and plain-HTTP registries for pushing.
  public var registryAccess = RegistryAccess()
  /// gzip by measurement: the registry's ingest, not the CPU, is the limit (bench/README.md).
  public var compression: Compression = .gzip
  /// `proxy` (through the API server) or `kubelet` (direct, on `kubeletPort`).
  public var checkpointVia = "proxy"
  public var kubeletPort = 10250
  public var kubeletCAFile: String?
  public var checkpointTimeout: Duration = .seconds(300)
  public var restoreTimeout: Duration = .seconds(300)
  public var pullSecret: String?
  /// Where the node agents run: their namespace (agent mode is on when set) and pod selector.
  public var agentNamespace: String?
  public var agentSelector = "app.kubernetes.io/name=podhop-agent"
  /// The file holding the agent token, sent to the agents.
  public var agentTokenFile: String?
  /// PEM CA of the agents' serving certificates: set when the agents serve TLS.
  public var agentCAFile: String?
  /// Whether finalize deletes the checkpoint archive after a successful migration.
  public var deleteArchives = true

  public init() {}
}
