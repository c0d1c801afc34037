import Crypto

/// What kube-apiserver does to a Pod before storing it: validation (a subset), defaulting, and
/// the ServiceAccount admission plugin's token volume.
enum PodAdmission {
  static let serviceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

  /// Validates and defaults `body` for namespace `namespace`; returns metadata and spec.
  static func admit(_ body: JSONValue, namespace: String) throws(APIStatus) -> (metadata: JSONValue, spec: JSONValue) {
    guard body.object != nil else { throw APIStatus.badRequest("the body of the request was not a JSON object") }
    if let kind = body["kind"]?.string, kind != "Pod" {
      throw APIStatus.badRequest("the kind \"\(kind)\" of the provided object does not match the resource pods")
    }
    var metadata = body["metadata"] ?? [:]
    if let given = metadata["namespace"]?.string, !given.isEmpty, given != namespace {
      throw APIStatus.badRequest("the namespace of the provided object does not match the namespace sent on the request")
    }
    for key in ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink", "managedFields"] {
      metadata[key] = nil
    }
    var name = metadata["name"]?.string ?? ""
    if name.isEmpty, let prefix = metadata["generateName"]?.string, !prefix.isEmpty {
      name = prefix + randomSuffix()
    }
    var errors: [(field: String, reason: String, detail: String)] = []
    if name.isEmpty {
      errors.append(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"))
    } else if !isSubdomain(name) {
      errors.append(("metadata.name", "FieldValueInvalid", "Invalid value: \"\(name)\": " + subdomainRule))
    }
    metadata["name"] = .string(name)

    var spec = body["spec"] ?? [:]
    let volumes = spec["volumes"]?.array ?? []
    let volumeNames = volumes.compactMap { $0["name"]?.string }
    for (index, name) in volumeNames.enumerated() where volumeNames[..<index].contains(name) {
      errors.append(("spec.volumes[\(index)].name", "FieldValueDuplicate", "Duplicate value: \"\(name)\""))
    }
    let containers = spec["containers"]?.array ?? []
    if containers.isEmpty { errors.append(("spec.containers", "FieldValueRequired", "Required value")) }
    var seen: [String] = []
    for (index, container) in containers.enumerated() {
      let path = "spec.containers[\(index)]"
      let containerName = container["name"]?.string ?? ""
      if containerName.isEmpty {
        errors.append(("\(path).name", "FieldValueRequired", "Required value"))
      } else if !isLabel(containerName) {
        errors.append(("\(path).name", "FieldValueInvalid", "Invalid value: \"\(containerName)\": " + labelRule))
      } else if seen.contains(containerName) {
        errors.append(("\(path).name", "FieldValueDuplicate", "Duplicate value: \"\(containerName)\""))
      }
      seen.append(containerName)
      if (container["image"]?.string ?? "").isEmpty {
        errors.append(("\(path).image", "FieldValueRequired", "Required value"))
      }
      var mountPaths: [String] = []
      for (mountIndex, mount) in (container["volumeMounts"]?.array ?? []).enumerated() {
        let mountField = "\(path).volumeMounts[\(mountIndex)]"
        let volume = mount["name"]?.string ?? ""
        if !volumeNames.contains(volume) {
          errors.append(("\(mountField).name", "FieldValueNotFound", "Not found: \"\(volume)\""))
        }
        let mountPath = mount["mountPath"]?.string ?? ""
        if mountPath.isEmpty {
          errors.append(("\(mountField).mountPath", "FieldValueRequired", "Required value"))
        } else if mountPaths.contains(mountPath) {
          errors.append(
            ("\(mountField).mountPath", "FieldValueInvalid", "Invalid value: \"\(mountPath)\": must be unique"))
        }
        mountPaths.append(mountPath)
      }
    }
    if !errors.isEmpty { throw APIStatus.invalid(kind: "Pod", name: name, errors: errors) }

    spec["containers"] = .array(containers.map(defaultContainer))
    if let initContainers = spec["initContainers"]?.array {
      spec["initContainers"] = .array(initContainers.map(defaultContainer))
    }
    let defaults: [String: JSONValue] = [
      "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
      "securityContext": [:], "schedulerName": "default-scheduler", "enableServiceLinks": true,
      "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
      "tolerations": [
        [
          "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 300,
        ],
        [
          "key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 300,
        ],
      ],
    ]
    for (key, value) in defaults where spec[key] == nil { spec[key] = value }
    let serviceAccount = spec["serviceAccountName"]?.string ?? spec["serviceAccount"]?.string ?? "default"
    spec["serviceAccountName"] = .string(serviceAccount)
    spec["serviceAccount"] = .string(serviceAccount)
    if spec["automountServiceAccountToken"]?.bool ?? true { injectServiceAccountToken(&spec) }
    return (metadata, spec)
  }

  private static func defaultContainer(_ container: JSONValue) -> JSONValue {
    var container = container
    let image = container["image"]?.string ?? ""
    if container["imagePullPolicy"] == nil {
      container["imagePullPolicy"] = .string(ImageReference(image).defaultPullPolicy)
    }
    if container["terminationMessagePath"] == nil { container["terminationMessagePath"] = "/dev/termination-log" }
    if container["terminationMessagePolicy"] == nil { container["terminationMessagePolicy"] = "File" }
    if container["resources"] == nil { container["resources"] = [:] }
    return container
  }

  /// The ServiceAccount admission plugin: a projected `kube-api-access-xxxxx` volume, mounted
  /// read-only at the token path in every container that does not mount that path already.
  private static func injectServiceAccountToken(_ spec: inout JSONValue) {
    var containers = spec["containers"]?.array ?? []
    let needing = containers.indices.filter { index in
      !(containers[index]["volumeMounts"]?.array ?? []).contains { $0["mountPath"]?.string == serviceAccountMountPath }
    }
    guard !needing.isEmpty else { return }
    var volumes = spec["volumes"]?.array ?? []
    let existing = volumes.first { ($0["name"]?.string ?? "").hasPrefix("kube-api-access-") }?["name"]?.string
    let volumeName = existing ?? "kube-api-access-" + randomSuffix()
    if existing == nil {
      volumes.append([
        "name": .string(volumeName),
        "projected": [
          "defaultMode": 420,
          "sources": [
            ["serviceAccountToken": ["expirationSeconds": 3607, "path": "token"]],
            ["configMap": ["name": "kube-root-ca.crt", "items": [["key": "ca.crt", "path": "ca.crt"]]]],
            [
              "downwardAPI": [
                "items": [["path": "namespace", "fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"]]]
              ]
            ],
          ],
        ],
      ])
      spec["volumes"] = .array(volumes)
    }
    for index in needing {
      var mounts = containers[index]["volumeMounts"]?.array ?? []
      mounts.append(["name": .string(volumeName), "readOnly": true, "mountPath": .string(serviceAccountMountPath)])
      containers[index]["volumeMounts"] = .array(mounts)
    }
    spec["containers"] = .array(containers)
  }

  /// Five characters from the alphabet the API server uses for generated names.
  static func randomSuffix() -> String {
    let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    return String(SecureRandom.bytes(5).map { alphabet[Int($0) % alphabet.count] })
  }

  static let labelRule =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
  static let subdomainRule =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

  static func isLabel(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard !bytes.isEmpty, bytes.count <= 63 else { return false }
    let alnum: (UInt8) -> Bool = { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 0x2D }
  }

  static func isSubdomain(_ text: String) -> Bool {
    text.utf8.count <= 253 && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
  }
}
