/// Validation of Kubernetes object names, so bad input is refused before anything is stored.
public enum KubernetesName {
  /// A DNS-1123 label (namespaces, container names): lowercase alphanumerics and '-',
  /// starting and ending alphanumeric, at most 63 characters. Returns a reason when invalid.
  public static func labelProblem(_ name: String) -> String? {
    if name.isEmpty { return "must not be empty" }
    if name.utf8.count > 63 { return "must be at most 63 characters" }
    return charactersProblem(name, allowDots: false)
  }

  /// A DNS-1123 subdomain (pod and node names): labels joined by '.', at most 253 characters.
  public static func subdomainProblem(_ name: String) -> String? {
    if name.isEmpty { return "must not be empty" }
    if name.utf8.count > 253 { return "must be at most 253 characters" }
    return charactersProblem(name, allowDots: true)
  }

  private static func charactersProblem(_ name: String, allowDots: Bool) -> String? {
    let bytes = Array(name.utf8)
    func isAlphanumeric(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
    if bytes.contains(where: { !(isAlphanumeric($0) || $0 == 45 || (allowDots && $0 == 46)) }) {
      return "must consist of lowercase letters, digits, '-'\(allowDots ? " and '.'" : "")"
    }
    if !isAlphanumeric(bytes.first!) || !isAlphanumeric(bytes.last!) {
      return "must start and end with a lowercase letter or digit"
    }
    if allowDots {
      for label in name.split(separator: ".", omittingEmptySubsequences: false) {
        guard let first = label.utf8.first, let last = label.utf8.last, isAlphanumeric(first), isAlphanumeric(last)
        else { return "each '.'-separated part must start and end with a lowercase letter or digit" }
      }
    }
    return nil
  }
}
