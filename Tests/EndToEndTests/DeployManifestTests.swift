import Foundation
import TestSupport
import Testing

/// The Kubernetes manifests in deploy/: schema-valid (scripts/validate-manifests.sh) and saying
/// what podhop needs. No cluster runs them here.
///
/// The YAML is read with PyYAML (installed with kubernetes-validate by
/// scripts/install-dependencies.sh) and handed over as JSON: this test target depends only on
/// TestSupport, and the project's YAML module cannot be imported without declaring it in
/// Package.swift (its C module CYAML is then missing).
@Suite("deploy manifests")
struct DeployManifestTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every object in deploy/NAME, as JSON values.
  static func objects(_ name: String) async throws -> [Any] {
    let program = "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))"
    let result = try await Command.run(
      "/usr/bin/env", ["python3", "-c", program, root.appending(path: "deploy").appending(path: name).path])
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [Any])
  }

  /// The one object in deploy/NAME.
  static func object(_ name: String) async throws -> Any {
    let all = try await objects(name)
    #expect(all.count == 1, "\(name) should hold one object")
    return try #require(all.first)
  }

  /// `value` followed along `path`: strings index mappings, integers index sequences.
  static func at(_ value: Any?, _ path: Any...) -> Any? {
    path.reduce(value) { current, step in
      if let key = step as? String { return (current as? [String: Any])?[key] }
      if let index = step as? Int, let items = current as? [Any], items.indices.contains(index) { return items[index] }
      return nil
    }
  }

  static func strings(_ value: Any?) -> [String] { (value as? [Any])?.compactMap { $0 as? String } ?? [] }

  @Test("scripts/validate-manifests.sh validates every manifest against the Kubernetes schemas")
  func schemaValidation() async throws {
    let result = try await Command.run(
      "/bin/bash", [Self.root.appending(path: "scripts/validate-manifests.sh").path], directory: Self.root.path)
    #expect(result.status == 0, "\(result.text)\n\(result.stderr)")
    #expect(result.text.contains("all manifests valid"))
  }

  @Test("the Deployment runs one non-root replica with Recreate, probes, a read-only root and no host path")
  func deployment() async throws {
    let deployment = try await Self.object("deployment.yaml")
    #expect(Self.at(deployment, "kind") as? String == "Deployment")
    #expect(Self.at(deployment, "spec", "replicas") as? Int == 1)
    #expect(Self.at(deployment, "spec", "strategy", "type") as? String == "Recreate")
    let pod = Self.at(deployment, "spec", "template", "spec")
    #expect((Self.at(pod, "terminationGracePeriodSeconds") as? Int ?? 0) > 30)
    #expect(Self.at(pod, "nodeSelector") == nil, "the controller needs no particular node")
    #expect(Self.at(pod, "securityContext", "runAsNonRoot") as? Bool == true)
    #expect((Self.at(pod, "securityContext", "runAsUser") as? Int ?? 0) != 0)
    #expect(Self.at(pod, "serviceAccountName") as? String == "podhop")
    #expect(Self.at(pod, "securityContext", "seccompProfile", "type") as? String == "RuntimeDefault")

    let container = try #require(Self.at(pod, "containers", 0))
    #expect(Self.at(container, "readinessProbe", "httpGet", "path") as? String == "/readyz")
    #expect(Self.at(container, "livenessProbe", "httpGet", "path") as? String == "/healthz")
    #expect(Self.at(container, "securityContext", "readOnlyRootFilesystem") as? Bool == true)
    #expect(Self.at(container, "securityContext", "allowPrivilegeEscalation") as? Bool == false)
    #expect(Self.strings(Self.at(container, "securityContext", "capabilities", "drop")) == ["ALL"])
    #expect(Self.at(container, "resources", "limits", "memory") != nil)
    #expect(Self.at(container, "resources", "requests", "cpu") != nil)

    let mounts = try #require(Self.at(container, "volumeMounts") as? [Any])
    #expect(mounts.contains { Self.at($0, "mountPath") as? String == "/var/lib/podhop" })
    #expect(mounts.contains { Self.at($0, "mountPath") as? String == "/etc/podhop/agent" })
    let volumes = try #require(Self.at(pod, "volumes") as? [Any])
    #expect(!volumes.contains { Self.at($0, "hostPath") != nil })
    #expect(volumes.contains { Self.at($0, "persistentVolumeClaim", "claimName") as? String == "podhop-data" })
    #expect(volumes.contains { Self.at($0, "secret", "secretName") as? String == "podhop-agent-token" })
  }

  /// The flags `podhop COMMAND --help` lists: the binary itself, not a copy of its list.
  static func knownFlags(_ command: String) async throws -> Set<String> {
    let help = try await Command.run(PodhopProcess.executable, [command, "--help"])
    #expect(help.status == 0, "\(help.stderr)")
    return Set(
      (help.text + help.stderr).split(separator: "\n").compactMap { line -> String? in
        let word = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        return word?.hasPrefix("--") == true ? word : nil
      })
  }

  /// The value after `flag` in `arguments`.
  static func value(_ flag: String, in arguments: [String]) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
  }

  @Test("every flag in the Deployment's args is one podhop serve knows, and the paths match the mounts")
  func arguments() async throws {
    let deployment = try await Self.object("deployment.yaml")
    let arguments = Self.strings(Self.at(deployment, "spec", "template", "spec", "containers", 0, "args"))
    #expect(arguments.first == "serve")
    let known = try await Self.knownFlags("serve")
    #expect(known.contains("--agent-namespace") && known.contains("--agent-token-file"))
    let flags = arguments.filter { $0.hasPrefix("--") }
    #expect(!flags.isEmpty)
    for flag in flags {
      #expect(known.contains(flag), "podhop serve does not know \(flag)")
    }
    #expect(Self.value("--database", in: arguments)?.hasPrefix("/var/lib/podhop/") == true)
    #expect(Self.value("--tokens-file", in: arguments)?.hasPrefix("/etc/podhop/tokens/") == true)
    #expect(Self.value("--agent-token-file", in: arguments)?.hasPrefix("/etc/podhop/agent/") == true)
    #expect(Self.value("--agent-namespace", in: arguments) == "podhop")
    #expect(Self.value("--checkpoint-dir", in: arguments) == nil, "the controller reads archives through the agents")
  }

  @Test("the agent DaemonSet: root only to read archives, no capabilities, only the checkpoint directory from the host")
  func agentDaemonSet() async throws {
    let daemonSet = try await Self.object("daemonset-agent.yaml")
    #expect(Self.at(daemonSet, "kind") as? String == "DaemonSet")
    let pod = Self.at(daemonSet, "spec", "template", "spec")
    #expect(Self.at(daemonSet, "spec", "template", "metadata", "labels", "app.kubernetes.io/name") as? String == "podhop-agent")
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
      #expect(Self.at(pod, field) as? Bool != true, "\(field)")
    }
    #expect(Self.at(pod, "automountServiceAccountToken") as? Bool == false)
    #expect(Self.at(pod, "serviceAccountName") as? String == "podhop-agent")
    let container = try #require(Self.at(pod, "containers", 0))
    #expect(Self.at(container, "securityContext", "readOnlyRootFilesystem") as? Bool == true)
    #expect(Self.at(container, "securityContext", "allowPrivilegeEscalation") as? Bool == false)
    #expect(Self.at(container, "securityContext", "privileged") as? Bool == false)
    #expect(Self.strings(Self.at(container, "securityContext", "capabilities", "drop")) == ["ALL"])
    #expect(Self.at(container, "securityContext", "capabilities", "add") == nil)
    #expect(
      Self.at(container, "resources", "limits", "memory") != nil && Self.at(container, "resources", "requests", "cpu") != nil)
    #expect(Self.at(container, "ports", 0, "name") as? String == "agent")

    let volumes = try #require(Self.at(pod, "volumes") as? [Any])
    let hostPaths = volumes.compactMap { Self.at($0, "hostPath", "path") as? String }
    #expect(hostPaths == ["/var/lib/kubelet/checkpoints"], "nothing else from the host")
    #expect(volumes.contains { Self.at($0, "secret", "secretName") as? String == "podhop-agent-token" })

    let arguments = Self.strings(Self.at(container, "args"))
    #expect(arguments.first == "agent")
    let known = try await Self.knownFlags("agent")
    for flag in arguments.filter({ $0.hasPrefix("--") }) {
      #expect(known.contains(flag), "podhop agent does not know \(flag)")
    }
    #expect(Self.value("--checkpoint-dir", in: arguments) == "/var/lib/kubelet/checkpoints")
    #expect(Self.value("--token-file", in: arguments)?.hasPrefix("/etc/podhop/agent/") == true)
    #expect(Self.value("--registry-auth-file", in: arguments)?.hasPrefix("/etc/podhop/registry/") == true)

    // The agent's service account is bound to no role.
    let binding = try await Self.object("clusterrolebinding.yaml")
    let subjects = (Self.at(binding, "subjects") as? [Any] ?? []).compactMap { Self.at($0, "name") as? String }
    #expect(!subjects.isEmpty && !subjects.contains("podhop-agent"))
  }

  @Test("the ClusterRole grants checkpoint rights without wildcards; the opt-in grant stays out of the base")
  func rbac() async throws {
    let role = try await Self.object("clusterrole.yaml")
    #expect(Self.at(role, "kind") as? String == "ClusterRole")
    let rules = try #require(Self.at(role, "rules") as? [Any])
    func grants(_ resource: String, _ verb: String) -> Bool {
      rules.contains {
        Self.strings(Self.at($0, "resources")).contains(resource) && Self.strings(Self.at($0, "verbs")).contains(verb)
      }
    }
    #expect(grants("nodes/checkpoint", "create"))
    #expect(grants("nodes/proxy", "create"))
    #expect(grants("pods", "create") && grants("pods", "delete") && grants("nodes", "get"))
    for rule in rules {
      for field in ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"] {
        #expect(!Self.strings(Self.at(rule, field)).contains("*"), "a rule grants * in \(field)")
      }
    }

    let kustomization = try await Self.object("kustomization.yaml")
    let resources = Self.strings(Self.at(kustomization, "resources"))
    #expect(resources.contains("clusterrole.yaml") && resources.contains("deployment.yaml"))
    #expect(!resources.contains("apiserver-kubelet-checkpoint.yaml"))
    // The opt-in file: a ClusterRole with nodes/checkpoint create, bound to the API server's kubelet client.
    let optIn = try await Self.objects("apiserver-kubelet-checkpoint.yaml")
    #expect(optIn.count == 2)
    let binding = optIn.first { Self.at($0, "kind") as? String == "ClusterRoleBinding" }
    #expect(Self.at(binding, "subjects", 0, "name") as? String == "kube-apiserver-kubelet-client")
    #expect(Self.at(binding, "subjects", 0, "kind") as? String == "User")
  }
}
