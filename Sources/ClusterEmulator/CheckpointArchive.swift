import Crypto
import Foundation

/// The facts a checkpoint archive records about one container.
struct CheckpointFacts: Sendable {
  var runtime: RuntimeKind.Family
  var namespace: String
  var pod: String
  var podUID: String
  var podIP: String
  var container: String
  /// 64 hex.
  var containerID: String
  var image: String
  var baseImage: String
  var baseImageName: String
  var baseImageRef: String
  var command: [String]
  /// Every bind-mounted volume (volumeMounts, including the service-account token).
  var mounts: [(source: String, destination: String, readOnly: Bool)]
  var memoryBytes: Int
  var createdTime: Int
  var checkpointTime: Int
  var labels: [String: String]
}

/// Writes a synthetic checkpoint archive with the layout CRI-O (or containerd) produces: an
/// uncompressed tar whose entries sit at the root, mirroring a real CRI-O archive's listing.
enum CheckpointArchive {
  /// `(name, mode, size)` of the fixed-size CRIU image files, in the order of a real archive.
  static let criuImages: [(name: String, mode: Int, size: Int)] = [
    ("checkpoint/cgroup.img", 0o644, 4612), ("checkpoint/core-1.img", 0o644, 2212),
    ("checkpoint/core-9.img", 0o644, 2212), ("checkpoint/descriptors.json", 0o600, 0),
    ("checkpoint/fdinfo-2.img", 0o644, 48), ("checkpoint/fdinfo-3.img", 0o644, 48),
    ("checkpoint/files.img", 0o644, 352), ("checkpoint/fs-1.img", 0o644, 24), ("checkpoint/fs-9.img", 0o644, 24),
    ("checkpoint/ids-1.img", 0o644, 42), ("checkpoint/ids-9.img", 0o644, 42),
    ("checkpoint/inventory.img", 0o644, 38), ("checkpoint/ipcns-var-11.img", 0o644, 86),
    ("checkpoint/mm-1.img", 0o644, 532), ("checkpoint/mm-9.img", 0o644, 532),
    ("checkpoint/mountpoints-13.img", 0o644, 3842), ("checkpoint/netns-10.img", 0o644, 30),
    ("checkpoint/pagemap-1.img", 0o644, 122), ("checkpoint/pagemap-9.img", 0o644, 32),
    ("checkpoint/pages-2.img", 0o644, 65536), ("checkpoint/pstree.img", 0o644, 36),
    ("checkpoint/seccomp.img", 0o644, 18552), ("checkpoint/timens-0.img", 0o644, 36),
    ("checkpoint/tmpfs-dev-45.tar.gz.img", 0o644, 369), ("checkpoint/utsns-12.img", 0o644, 38),
  ]

  /// Writes the archive to `path` (mode 0600) and returns its size.
  static func write(_ facts: CheckpointFacts, to path: String) throws -> Int {
    let tar = try TarWriter(path: path, mode: 0o600)
    let time = facts.checkpointTime
    try tar.file("stats-dump", mode: 0o644, mtime: time, contents: criuImage(magic: 0x5741_0010, size: 43, seed: 1))
    try tar.file("dump.log", mode: 0o644, mtime: time, contents: Array(dumpLog(facts).utf8))
    try tar.directory("checkpoint", mode: 0o700, mtime: time)
    for (index, entry) in criuImages.enumerated() {
      let contents =
        entry.name.hasSuffix(".json")
        ? Array(#"["/dev/null","pipe:[51234]","pipe:[51235]"]"#.utf8)
        : criuImage(magic: entry.name.contains("inventory") ? 0x5831_3116 : 0x5456_4319, size: entry.size, seed: index)
      try tar.file(entry.name, mode: entry.mode, mtime: time, contents: contents)
    }
    var random = SplitMix64(seed: facts.podUID + facts.container)
    try tar.file("checkpoint/pages-1.img", mode: 0o644, mtime: time, size: facts.memoryBytes) { offset, count in
      // Even 4 KiB pages are zero, odd ones pseudo-random: half the memory compresses away.
      var chunk = [UInt8](repeating: 0, count: count)
      var position = 0
      while position < count {
        let page = (offset + position) / 4096
        let pageEnd = min(count, position + (4096 - (offset + position) % 4096))
        if page % 2 == 1 { random.fill(&chunk, from: position, to: pageEnd) }
        position = pageEnd
      }
      return chunk
    }
    switch facts.runtime {
    case .crio:
      try tar.file("bind.mounts", mode: 0o600, mtime: time, contents: bindMounts(facts).encoded())
      try tar.file("config.dump", mode: 0o600, mtime: time, contents: configDump(facts).encoded())
      try tar.file("deleted.files", mode: 0o600, mtime: time, contents: Array(#"["/tmp/podhop-emulator-removed"]"#.utf8))
      try tar.file("io.kubernetes.cri-o.LogPath", mode: 0o600, mtime: time, contents: Array(containerLog(facts).utf8))
      try tar.file("network.status", mode: 0o600, mtime: time, contents: networkStatus(facts).encoded())
      try tar.file("rootfs-diff.tar", mode: 0o644, mtime: time, contents: try rootfsDiff(time))
      try tar.file("spec.dump", mode: 0o600, mtime: time, contents: specDump(facts).encoded())
    case .containerd:
      try tar.file("config.dump", mode: 0o600, mtime: time, contents: configDump(facts).encoded())
      try tar.file("spec.dump", mode: 0o600, mtime: time, contents: specDump(facts).encoded())
      try tar.file("status.dump", mode: 0o600, mtime: time, contents: statusDump(facts).encoded())
      try tar.file("container.log", mode: 0o600, mtime: time, contents: Array(containerLog(facts).utf8))
      try tar.file("status", mode: 0o600, mtime: time, contents: Array(#"{"pid":4242}"#.utf8))
      try tar.file("rootfs-diff.tar", mode: 0o644, mtime: time, contents: try rootfsDiff(time))
    }
    try tar.finish()
    return tar.bytesWritten
  }

  static func containerName(_ facts: CheckpointFacts) -> String {
    "k8s_\(facts.container)_\(facts.pod)_\(facts.namespace)_\(facts.podUID)_0"
  }

  static func configDump(_ facts: CheckpointFacts) -> JSONValue {
    [
      "id": .string(facts.containerID), "name": .string(containerName(facts)),
      "rootfsImage": .string(facts.baseImage),
      "rootfsImageRef": .string(
        facts.runtime == .crio ? facts.baseImageRef : facts.baseImageName + "@sha256:" + facts.baseImageRef),
      "rootfsImageName": .string(facts.baseImageName), "runtime": "runc",
      "createdTime": .string(KubeTime.utcNano(facts.createdTime)),
      "checkpointedTime": .string(KubeTime.utcNano(facts.checkpointTime, nanoseconds: 123_456_789)),
      "restoredTime": "0001-01-01T00:00:00Z", "restored": false,
    ]
  }

  static func bindMounts(_ facts: CheckpointFacts) -> JSONValue {
    .array(
      facts.mounts.map { mount in
        [
          "source": .string(mount.source), "destination": .string(mount.destination), "file_type": "directory",
          "permissions": 0o755,
        ]
      })
  }

  static func specDump(_ facts: CheckpointFacts) -> JSONValue {
    let logPath = "/var/log/pods/\(facts.namespace)_\(facts.pod)_\(facts.podUID)/\(facts.container)/0.log"
    var annotations: [String: String] = [
      "io.kubernetes.container.hash": String(facts.containerID.prefix(8)),
      "io.kubernetes.container.restartCount": "0",
      "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
      "io.kubernetes.container.terminationMessagePolicy": "File",
      "io.kubernetes.pod.terminationGracePeriod": "30",
    ]
    let kubernetesAnnotations = JSONValue.strings(annotations).text
    switch facts.runtime {
    case .crio:
      annotations["io.container.manager"] = "cri-o"
      annotations["io.kubernetes.container.name"] = facts.container
      annotations["io.kubernetes.pod.name"] = facts.pod
      annotations["io.kubernetes.pod.namespace"] = facts.namespace
      annotations["io.kubernetes.pod.uid"] = facts.podUID
      annotations["io.kubernetes.cri-o.Annotations"] = kubernetesAnnotations
      annotations["io.kubernetes.cri-o.ContainerID"] = facts.containerID
      annotations["io.kubernetes.cri-o.ContainerType"] = "container"
      annotations["io.kubernetes.cri-o.Created"] = KubeTime.utcNano(facts.createdTime)
      annotations["io.kubernetes.cri-o.IP.0"] = facts.podIP
      annotations["io.kubernetes.cri-o.Image"] = facts.baseImageRef
      annotations["io.kubernetes.cri-o.ImageName"] = facts.baseImageName
      annotations["io.kubernetes.cri-o.ImageRef"] = facts.baseImageRef
      annotations["io.kubernetes.cri-o.Labels"] = JSONValue.strings(facts.labels).text
      annotations["io.kubernetes.cri-o.LogPath"] = logPath
      annotations["io.kubernetes.cri-o.Metadata"] = #"{"name":"\#(facts.container)"}"#
      annotations["io.kubernetes.cri-o.Name"] = containerName(facts)
      annotations["io.kubernetes.cri-o.SandboxName"] = "k8s_\(facts.pod)_\(facts.namespace)_\(facts.podUID)_0"
    case .containerd:
      annotations["io.kubernetes.cri.container-name"] = facts.container
      annotations["io.kubernetes.cri.container-type"] = "container"
      annotations["io.kubernetes.cri.image-name"] = facts.baseImageName
      annotations["io.kubernetes.cri.sandbox-name"] = facts.pod
      annotations["io.kubernetes.cri.sandbox-namespace"] = facts.namespace
      annotations["io.kubernetes.cri.sandbox-uid"] = facts.podUID
    }
    var mounts: [JSONValue] = [
      ["destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]],
      [
        "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
        "options": ["nosuid", "strictatime", "mode=755", "size=65536k"],
      ],
      ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]],
      [
        "destination": "/dev/shm", "type": "bind",
        "source": .string("/run/containers/storage/overlay-containers/\(facts.containerID)/userdata/shm"),
        "options": ["rw", "bind"],
      ],
      [
        "destination": "/etc/hosts", "type": "bind", "source": .string("/var/lib/kubelet/pods/\(facts.podUID)/etc-hosts"),
        "options": ["rw", "rbind", "rprivate", "bind"],
      ],
      [
        "destination": "/dev/termination-log", "type": "bind",
        "source": .string("/var/lib/kubelet/pods/\(facts.podUID)/containers/\(facts.container)/\(facts.containerID.prefix(8))"),
        "options": ["rw", "rbind", "rprivate", "bind"],
      ],
    ]
    for mount in facts.mounts {
      mounts.append([
        "destination": .string(mount.destination), "type": "bind", "source": .string(mount.source),
        "options": .array([mount.readOnly ? "ro" : "rw", "rbind", "rprivate", "bind"]),
      ])
    }
    return [
      "ociVersion": "1.0.2-dev",
      "process": [
        "user": ["uid": 0, "gid": 0], "args": .array(facts.command.map { .string($0) }),
        "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", .string("HOSTNAME=\(facts.pod)")],
        "cwd": "/", "terminal": false,
      ],
      "root": ["path": .string("/var/lib/containers/storage/overlay/\(facts.containerID)/merged")],
      "hostname": .string(facts.pod),
      "mounts": .array(mounts),
      "annotations": .strings(annotations),
      "linux": [
        "namespaces": [["type": "pid"], ["type": "network"], ["type": "ipc"], ["type": "uts"], ["type": "mount"]],
        "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
        "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
      ],
    ]
  }

  static func statusDump(_ facts: CheckpointFacts) -> JSONValue {
    [
      "id": .string(facts.containerID),
      "metadata": ["name": .string(facts.container)],
      "state": "CONTAINER_RUNNING",
      "image": ["image": .string(facts.image)], "imageRef": .string(facts.baseImageName + "@sha256:" + facts.baseImageRef),
      "createdAt": .int(Int64(facts.createdTime) * 1_000_000_000),
      "labels": .strings(facts.labels),
    ]
  }

  private static func networkStatus(_ facts: CheckpointFacts) -> JSONValue {
    [["cniVersion": "1.0.0", "interfaces": [["name": "eth0"]], "ips": [["address": .string(facts.podIP + "/24")]]]]
  }

  private static func dumpLog(_ facts: CheckpointFacts) -> String {
    "(00.000001) Version: 3.17.1 (gitid 0)\n(00.000120) Dumping processes (pid: 1)\n"
      + "(00.004200) Dumping finished successfully\n"
  }

  private static func containerLog(_ facts: CheckpointFacts) -> String {
    let stamp = KubeTime.utcNano(facts.createdTime)
    return "\(stamp) stdout F container \(facts.container) of \(facts.namespace)/\(facts.pod) started\n"
      + "\(stamp) stdout F serving\n"
  }

  private static func rootfsDiff(_ time: Int) throws -> [UInt8] {
    let tar = TarWriter()
    try tar.directory("tmp", mode: 0o1777, mtime: time)
    try tar.file("tmp/podhop-emulator-state", mode: 0o644, mtime: time, contents: Array("written after start\n".utf8))
    try tar.finish()
    return tar.memory
  }

  /// A CRIU-style image: the common magic, a type magic, then deterministic filler.
  private static func criuImage(magic: UInt32, size: Int, seed: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for value in [UInt32(0x5456_4319), magic] {
      bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
    var random = SplitMix64(seed: "criu-\(seed)")
    var filler = [UInt8](repeating: 0, count: max(0, size - bytes.count))
    random.fill(&filler, from: 0, to: filler.count)
    return Array((bytes + filler).prefix(size))
  }
}

/// A small deterministic generator for synthetic memory pages.
struct SplitMix64 {
  private var state: UInt64

  init(seed: String) {
    state = SHA256.hash(Array(seed.utf8)).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }

  mutating func fill(_ bytes: inout [UInt8], from start: Int, to end: Int) {
    var index = start
    while index < end {
      var value = next()
      for _ in 0..<8 where index < end {
        bytes[index] = UInt8(truncatingIfNeeded: value)
        value >>= 8
        index += 1
      }
    }
  }
}
