/// The result of the pre-flight checks: what was checked before anything was frozen.
public struct PreflightReport: Sendable, Equatable {
  /// One check's outcome. Raw values are published in openapi.yaml.
  public enum Result: String, Sendable, CaseIterable {
    case pass, warn, fail
  }

  /// One named check.
  public struct Check: Sendable, Equatable {
    public var name: String
    public var result: Result
    public var message: String
    public init(name: String, result: Result, message: String) {
      self.name = name
      self.result = result
      self.message = message
    }
  }

  public var checks: [Check]

  public init(checks: [Check] = []) { self.checks = checks }

  /// Whether no check failed.
  public var passed: Bool { !checks.contains { $0.result == .fail } }

  /// The failed checks' messages, for an error.
  public var failureSummary: String {
    checks.filter { $0.result == .fail }.map { "\($0.name): \($0.message)" }.joined(separator: "; ")
  }
}
