/// Where a migration job is in its life. Raw values are persisted and match the SQL CHECK
/// constraint and the OpenAPI enum; never change them.
public enum JobState: String, Sendable, CaseIterable {
  case queued, running, succeeded, failed, canceled

  /// Whether the job can still change by itself (it holds the pod's one active slot).
  public var isActive: Bool { self == .queued || self == .running }

  /// Whether the job has ended (succeeded, failed or canceled); only a retry by hand moves a
  /// failed job on.
  public var isTerminal: Bool { !isActive }
}

/// The steps of a migration, in the order they run. Raw values are persisted; never change them.
public enum Stage: String, Sendable, CaseIterable, Comparable {
  case preflight, checkpoint, build, push, restore, finalize

  /// The stage after this one, or nil after the last.
  public var next: Stage? {
    let all = Stage.allCases
    let index = all.firstIndex(of: self)!
    return index + 1 < all.count ? all[index + 1] : nil
  }

  public static func < (lhs: Stage, rhs: Stage) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// The state of one stage of one job. Raw values are persisted; never change them.
public enum StageState: String, Sendable, CaseIterable {
  case pending, running, succeeded, failed, canceled
}

/// What happens to the source pod once the restored pod is ready.
public enum SourcePolicy: String, Sendable, CaseIterable {
  case delete, keep
}

/// Who started a job.
public enum Trigger: String, Sendable, CaseIterable {
  case api, webhook
}
