import HTTPClient
import Kubernetes
import OCI

/// How the stages reach the cluster, the node's archives and the registry.
public struct StageSettings: Sendable {
  /// How the checkpoint request reaches the kubelet.
  public enum CheckpointPath: Sendable {
    /// Through the API server's node proxy (needs `nodes/proxy` create).
    case apiServerProxy
    /// Straight to the kubelet on the node's InternalIP (needs only `nodes/checkpoint` create).
    case kubelet(port: Int, tls: TLSConfiguration, token: TokenSource?)
  }

  public var checkpointPath: CheckpointPath = .apiServerProxy
  public var checkpointTimeout: Duration = .seconds(300)
  /// Where the kubelet writes archives on the node; paths it returns must lie inside.
  public var kubeletCheckpointDirectory = "/var/lib/kubelet/checkpoints"
  /// `host:port/prefix` under which checkpoint images are pushed.
  public var registry: String
  public var compression: Compression = .gzip
  public var restoreTimeout: Duration = .seconds(300)
  /// An image pull secret in the pod's namespace added to restore pods (for the registry).
  public var pullSecret: String?
  /// First interval of polling a pod's status; it doubles up to 5 s.
  public var pollInterval: Duration = .milliseconds(250)
  /// Whether finalize deletes the checkpoint archive once the migration succeeded.
  public var deleteArchives = true

  public init(registry: String) {
    self.registry = registry
  }
}
