import Core

/// Requests for tests, varied by pod name so they do not collide on the one-active-job rule.
public enum Fixtures {
  public static func request(
    pod: String = "counter", namespace: String = "default", target: String = "node-b", labels: [String: String] = [:]
  ) -> NewMigration {
    NewMigration(source: PodReference(namespace: namespace, pod: pod), targetNode: target, labels: labels)
  }
}
