import Core

/// Which container runtimes can restore a checkpoint from an image (kubernetes-checkpoint.md
/// §3–§4): CRI-O from 1.26; containerd 2.1 to 2.3 only (2.4 removed restore through
/// CreateContainer, and 2.2.7+/2.3.4+ need it switched on).
enum RuntimeSupport {
  static func restore(runtime: String, version: String) -> (PreflightReport.Result, String) {
    let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    let (major, minor, patch) = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    switch runtime {
    case "cri-o":
      if (major, minor) >= (1, 26) {
        return (
          .pass,
          "CRI-O \(version) restores from checkpoint images (needs enable_criu_support, default on from 1.30, and CRIU ≥ 3.16)"
        )
      }
      return (.fail, "CRI-O \(version) cannot restore from an image: that arrived in CRI-O 1.26")
    case "containerd":
      if major < 2 || (major == 2 && minor < 1) {
        return (
          .fail, "containerd \(version) cannot restore a checkpoint: restore through CreateContainer exists in 2.1–2.3 only"
        )
      }
      if major > 2 || minor >= 4 {
        return (
          .fail, "containerd \(version) removed restore through CreateContainer (2.4; its successor is KEP-5823 RestorePod)"
        )
      }
      if (minor == 2 && patch >= 7) || (minor == 3 && patch >= 4) {
        return (
          .warn,
          "containerd \(version) restores only with enable_experimental_restore_via_create = true under [plugins.\"io.containerd.cri.v1.runtime\"]"
        )
      }
      return (.pass, "containerd \(version) restores from checkpoint images")
    default:
      return (
        .fail, "runtime \(runtime) \(version) is not known to restore Kubernetes checkpoints (CRI-O ≥ 1.26 or containerd 2.1–2.3)"
      )
    }
  }
}
