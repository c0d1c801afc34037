import API
import Core
import Foundation
import Notifications
import OCI

extension ServeConfiguration {
  /// Every setting of `podhop serve`. README's configuration table lists the same (a test checks).
  public static let settings: [Setting] =
    [
      .listen(environment: "PODHOP_LISTEN", defaultValue: "127.0.0.1:8080", what: "the API", \.http),
      Setting(
        flag: "--database", environment: "PODHOP_DATABASE", placeholder: "PATH", defaultValue: "./podhop.db",
        help: "SQLite file holding jobs and their history."
      ) { c, v throws(ConfigurationError) in
        guard !v.isEmpty else { throw ConfigurationError("--database must not be empty") }
        c.databasePath = v
      },
      Setting(
        flag: "--tokens-file", environment: "PODHOP_TOKENS_FILE", placeholder: "PATH", defaultValue: "(required)",
        help: "File of 'NAME ROLE TOKEN' lines; roles reader, operator, admin."
      ) { c, v throws(ConfigurationError) in
        c.tokensFile = v
      },
      Setting(
        flag: "--workers", environment: "PODHOP_WORKERS", placeholder: "N", defaultValue: "4",
        help: "Jobs run at the same time."
      ) { c, v throws(ConfigurationError) in
        c.pool.width = try integer(v, "--workers", 1...256)
      },
      Setting(
        flag: "--node-limit", environment: "PODHOP_NODE_LIMIT", placeholder: "N", defaultValue: "2",
        help: "Running jobs allowed per node, source or target (0: no limit)."
      ) { c, v throws(ConfigurationError) in
        let n = try integer(v, "--node-limit", 0...10_000)
        c.pool.nodeLimit = n == 0 ? nil : n
      },
      Setting(
        flag: "--max-attempts", environment: "PODHOP_MAX_ATTEMPTS", placeholder: "N", defaultValue: "5",
        help: "Attempts per stage before a job fails."
      ) { c, v throws(ConfigurationError) in
        c.pool.retry.maxAttempts = try integer(v, "--max-attempts", 1...100)
      },
      Setting(
        flag: "--retry-base-seconds", environment: "PODHOP_RETRY_BASE_SECONDS", placeholder: "SECONDS", defaultValue: "2",
        help: "First retry delay; doubles per attempt, with jitter."
      ) { c, v throws(ConfigurationError) in
        c.pool.retry.baseDelay = try seconds(v, "--retry-base-seconds", 0.001...3600)
        c.pool.retry.maxDelay = max(c.pool.retry.maxDelay, c.pool.retry.baseDelay)
      },
      Setting(
        flag: "--retry-max-seconds", environment: "PODHOP_RETRY_MAX_SECONDS", placeholder: "SECONDS", defaultValue: "300",
        help: "Longest retry delay."
      ) { c, v throws(ConfigurationError) in
        c.pool.retry.maxDelay = max(try seconds(v, "--retry-max-seconds", 0.001...86_400), c.pool.retry.baseDelay)
      },
      Setting(
        flag: "--lease-seconds", environment: "PODHOP_LEASE_SECONDS", placeholder: "SECONDS", defaultValue: "30",
        help: "Lease length; a heartbeat renews it every third of it, and a dead worker's job is rescued after it."
      ) { c, v throws(ConfigurationError) in
        c.pool.leaseDuration = try seconds(v, "--lease-seconds", 0.3...3600)
        c.pool.heartbeatInterval = c.pool.leaseDuration / 3
        c.pool.rescueInterval = c.pool.leaseDuration / 2
      },
      Setting(
        flag: "--shutdown-grace-seconds", environment: "PODHOP_SHUTDOWN_GRACE_SECONDS", placeholder: "SECONDS",
        defaultValue: "30",
        help: "On SIGTERM/SIGINT, how long running stages may finish before they are interrupted and handed back."
      ) { c, v throws(ConfigurationError) in
        c.shutdownGrace = try seconds(v, "--shutdown-grace-seconds", 0...3600)
      },
      Setting(
        flag: "--http-threads", environment: "PODHOP_HTTP_THREADS", placeholder: "N", defaultValue: "2",
        help: "HTTP server threads."
      ) { c, v throws(ConfigurationError) in
        c.http.threads = try integer(v, "--http-threads", 1...64)
      },
      Setting(
        flag: "--max-connections", environment: "PODHOP_MAX_CONNECTIONS", placeholder: "N", defaultValue: "1000",
        help: "Open HTTP connections in total."
      ) { c, v throws(ConfigurationError) in
        c.http.connectionLimit = try integer(v, "--max-connections", 1...100_000)
      },
      Setting(
        flag: "--max-connections-per-ip", environment: "PODHOP_MAX_CONNECTIONS_PER_IP", placeholder: "N", defaultValue: "256",
        help: "Open HTTP connections per client address."
      ) { c, v throws(ConfigurationError) in
        c.http.perIPConnectionLimit = try integer(v, "--max-connections-per-ip", 1...100_000)
      },
      Setting(
        flag: "--connection-timeout-seconds", environment: "PODHOP_CONNECTION_TIMEOUT_SECONDS", placeholder: "SECONDS",
        defaultValue: "30",
        help: "Idle HTTP connections are closed after this."
      ) { c, v throws(ConfigurationError) in
        c.http.connectionTimeoutSeconds = try integer(v, "--connection-timeout-seconds", 1...3600)
      },
      Setting(
        flag: "--rate-limit", environment: "PODHOP_RATE_LIMIT", placeholder: "PER_SECOND", defaultValue: "50",
        help: "Changing requests per second per caller, bursts of twice that (0: no limit); over it, 429."
      ) { c, v throws(ConfigurationError) in
        let rate = try number(v, "--rate-limit", 0...1_000_000)
        c.api.rateLimitPerSecond = rate
        c.api.rateLimitBurst = rate * 2
      },
      Setting(
        flag: "--idempotency-hours", environment: "PODHOP_IDEMPOTENCY_HOURS", placeholder: "HOURS", defaultValue: "24",
        help: "How long an Idempotency-Key is remembered."
      ) { c, v throws(ConfigurationError) in
        c.api.idempotencyKeyLifetime = .seconds(try integer(v, "--idempotency-hours", 1...720) * 3600)
      },
      Setting(
        flag: "--retention-days", environment: "PODHOP_RETENTION_DAYS", placeholder: "DAYS", defaultValue: "90",
        help: "Finished jobs, evacuations and deliveries older than this are deleted (0: keep all); audit records stay."
      ) { c, v throws(ConfigurationError) in
        c.retentionDays = try integer(v, "--retention-days", 0...36_500)
      },
      Setting(
        flag: "--hooks-file", environment: "PODHOP_HOOKS_FILE", placeholder: "PATH", defaultValue: "(no hooks)",
        help: "File of 'NAME KIND SCHEME SECRET' lines: the webhooks at /v1/hooks/NAME."
      ) { c, v throws(ConfigurationError) in
        c.hooksFile = v
      },
      Setting(
        flag: "--webhook-tolerance-seconds", environment: "PODHOP_WEBHOOK_TOLERANCE_SECONDS", placeholder: "SECONDS",
        defaultValue: "300", help: "How far a signed webhook's timestamp may be from now."
      ) { c, v throws(ConfigurationError) in
        c.api.webhookTolerance = Int64(try integer(v, "--webhook-tolerance-seconds", 1...86_400))
      },
      Setting(
        flag: "--notifications-file", environment: "PODHOP_NOTIFICATIONS_FILE", placeholder: "PATH",
        defaultValue: "(no notifications)", help: "File of 'NAME URL SECRET TYPES' lines: signed callbacks on job outcomes."
      ) { c, v throws(ConfigurationError) in
        c.notificationsFile = v
      },
      Setting(
        flag: "--notification-retry-base-seconds", environment: "PODHOP_NOTIFICATION_RETRY_BASE_SECONDS",
        placeholder: "SECONDS", defaultValue: "5", help: "First notification retry delay; x4 per attempt, 8 attempts (~7.5 h)."
      ) { c, v throws(ConfigurationError) in
        c.notifications.baseDelay = try seconds(v, "--notification-retry-base-seconds", 0.001...3600)
      },
      Setting(
        flag: "--notify-private-destinations", environment: "PODHOP_NOTIFY_PRIVATE_DESTINATIONS", placeholder: "MODE",
        defaultValue: "refuse", help: "refuse or allow: whether notifications may go to loopback and link-local addresses."
      ) { c, v throws(ConfigurationError) in
        guard v == "refuse" || v == "allow" else {
          throw ConfigurationError("--notify-private-destinations must be refuse or allow (got '\(v)')")
        }
        c.notifyPrivateDestinations = v == "allow"
      },
      Setting(
        flag: "--event-stream-limit", environment: "PODHOP_EVENT_STREAM_LIMIT", placeholder: "N", defaultValue: "64",
        help: "Event streams (events?follow=true) open at once; more get 503."
      ) { c, v throws(ConfigurationError) in
        c.api.followStreamLimit = try integer(v, "--event-stream-limit", 1...10_000)
      },
      Setting(
        flag: "--event-heartbeat-seconds", environment: "PODHOP_EVENT_HEARTBEAT_SECONDS", placeholder: "SECONDS",
        defaultValue: "15", help: "Silence after which an event stream sends a keep-alive comment."
      ) { c, v throws(ConfigurationError) in
        c.api.followHeartbeat = try seconds(v, "--event-heartbeat-seconds", 0.1...3600)
      },
      Setting(
        flag: "--kubeconfig", environment: "KUBECONFIG", placeholder: "PATH", defaultValue: "(in-cluster)",
        help: "Kubeconfig for the cluster; without it podhop uses its service account inside a pod."
      ) { c, v throws(ConfigurationError) in
        c.stages.kubeconfig = v
      },
      Setting(
        flag: "--checkpoint-dir", environment: "PODHOP_CHECKPOINT_DIR", placeholder: "PATH", defaultValue: "(none)",
        help:
          "Without node agents: where podhop reads checkpoint archives (the source node's kubelet checkpoint directory, mounted)."
      ) { c, v throws(ConfigurationError) in
        c.stages.checkpointDirectory = v
      },
      Setting(
        flag: "--service-account-dir", environment: "PODHOP_SERVICE_ACCOUNT_DIR", placeholder: "PATH",
        defaultValue: "/var/run/secrets/kubernetes.io/serviceaccount",
        help: "In-cluster configuration: the directory holding the service account's token and ca.crt."
      ) { c, v throws(ConfigurationError) in
        guard !v.isEmpty else { throw ConfigurationError("--service-account-dir must not be empty") }
        c.stages.serviceAccountDirectory = v
      },
      Setting(
        flag: "--agent-namespace", environment: "PODHOP_AGENT_NAMESPACE", placeholder: "NAMESPACE", defaultValue: "(none)",
        help:
          "Namespace of the node agents (podhop agent DaemonSet); when set, archives are read and pushed by the source node's agent."
      ) { c, v throws(ConfigurationError) in
        guard KubernetesName.labelProblem(v) == nil else {
          throw ConfigurationError("--agent-namespace '\(v)' is not a namespace name")
        }
        c.stages.agentNamespace = v
      },
      Setting(
        flag: "--agent-selector", environment: "PODHOP_AGENT_SELECTOR", placeholder: "SELECTOR",
        defaultValue: "app.kubernetes.io/name=podhop-agent",
        help: "Label selector of the node agents' pods; the one on a node is found by spec.nodeName."
      ) { c, v throws(ConfigurationError) in
        guard !v.isEmpty else { throw ConfigurationError("--agent-selector must not be empty") }
        c.stages.agentSelector = v
      },
      Setting(
        flag: "--agent-token-file", environment: "PODHOP_AGENT_TOKEN_FILE", placeholder: "PATH", defaultValue: "(none)",
        help: "File holding the token the node agents accept (required with --agent-namespace)."
      ) { c, v throws(ConfigurationError) in
        c.stages.agentTokenFile = v
      },
      Setting(
        flag: "--agent-ca-file", environment: "PODHOP_AGENT_CA_FILE", placeholder: "PATH", defaultValue: "(plain HTTP)",
        help: "PEM CA of the node agents' serving certificates; when set, agents are called over HTTPS."
      ) { c, v throws(ConfigurationError) in
        c.stages.agentCAFile = v
      },
      Setting(
        flag: "--delete-archives", environment: "PODHOP_DELETE_ARCHIVES", placeholder: "BOOL", defaultValue: "true",
        help: "Delete the checkpoint archive on the source node once a migration succeeded."
      ) { c, v throws(ConfigurationError) in
        guard let value = Bool(v) else { throw ConfigurationError("--delete-archives must be true or false") }
        c.stages.deleteArchives = value
      },
      Setting(
        flag: "--registry", environment: "PODHOP_REGISTRY", placeholder: "HOST[:PORT]/PREFIX", defaultValue: "(none)",
        help: "Where checkpoint images are pushed, as <registry>/<namespace>/<pod>:podhop-<job id>."
      ) { c, v throws(ConfigurationError) in
        guard v.contains("/"), !v.hasPrefix("/"), !v.contains("://") else {
          throw ConfigurationError("--registry must be HOST[:PORT]/PREFIX without a scheme (got '\(v)')")
        }
        c.stages.registry = v
      },
    ]
    + RegistryAccess.settings(
      \.stages.registryAccess, authFileHelp: "containers auth.json or docker config.json with the registry's credentials.")
    + [
      Setting(
        flag: "--compression", environment: "PODHOP_COMPRESSION", placeholder: "KIND", defaultValue: "gzip",
        help: "Checkpoint image layer compression: none, gzip or zstd (see bench/README.md)."
      ) { c, v throws(ConfigurationError) in
        guard let compression = Compression(rawValue: v) else {
          throw ConfigurationError("--compression must be none, gzip or zstd")
        }
        c.stages.compression = compression
      },
      Setting(
        flag: "--checkpoint-via", environment: "PODHOP_CHECKPOINT_VIA", placeholder: "PATH", defaultValue: "proxy",
        help: "proxy (the API server's node proxy) or kubelet (straight to the kubelet on --kubelet-port)."
      ) { c, v throws(ConfigurationError) in
        guard ["proxy", "kubelet"].contains(v) else { throw ConfigurationError("--checkpoint-via must be proxy or kubelet") }
        c.stages.checkpointVia = v
      },
      Setting(
        flag: "--kubelet-port", environment: "PODHOP_KUBELET_PORT", placeholder: "PORT", defaultValue: "10250",
        help: "The kubelet's port for --checkpoint-via kubelet."
      ) { c, v throws(ConfigurationError) in
        c.stages.kubeletPort = try integer(v, "--kubelet-port", 1...65535)
      },
      Setting(
        flag: "--kubelet-ca-file", environment: "PODHOP_KUBELET_CA_FILE", placeholder: "PATH", defaultValue: "(cluster CA)",
        help: "PEM CA for the kubelets' serving certificates, for --checkpoint-via kubelet."
      ) { c, v throws(ConfigurationError) in
        c.stages.kubeletCAFile = v
      },
      Setting(
        flag: "--checkpoint-timeout-seconds", environment: "PODHOP_CHECKPOINT_TIMEOUT_SECONDS", placeholder: "SECONDS",
        defaultValue: "300", help: "How long the kubelet may take to checkpoint."
      ) { c, v throws(ConfigurationError) in
        c.stages.checkpointTimeout = try seconds(v, "--checkpoint-timeout-seconds", 1...14_400)
      },
      Setting(
        flag: "--restore-timeout-seconds", environment: "PODHOP_RESTORE_TIMEOUT_SECONDS", placeholder: "SECONDS",
        defaultValue: "300", help: "How long the restored pod may take to become Ready."
      ) { c, v throws(ConfigurationError) in
        c.stages.restoreTimeout = try seconds(v, "--restore-timeout-seconds", 1...3600)
      },
      Setting(
        flag: "--pull-secret", environment: "PODHOP_PULL_SECRET", placeholder: "NAME", defaultValue: "(none)",
        help: "Image pull secret (in the pod's namespace) added to restore pods for the registry."
      ) { c, v throws(ConfigurationError) in
        c.stages.pullSecret = v
      },
      .logLevel(\.logLevel),
    ]

  private static func integer(_ value: String, _ flag: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
    guard let n = Int(value), range.contains(n) else {
      throw ConfigurationError("\(flag) must be an integer from \(range.lowerBound) to \(range.upperBound) (got '\(value)')")
    }
    return n
  }

  private static func number(_ value: String, _ flag: String, _ range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
    guard let n = Double(value), n.isFinite, range.contains(n) else {
      throw ConfigurationError(
        "\(flag) must be a number from \(MetricsRegistry.number(range.lowerBound)) to \(MetricsRegistry.number(range.upperBound)) (got '\(value)')"
      )
    }
    return n
  }

  private static func seconds(_ value: String, _ flag: String, _ range: ClosedRange<Double>) throws(ConfigurationError)
    -> Duration
  {
    .milliseconds(Int64((try number(value, flag, range) * 1000).rounded()))
  }
}
