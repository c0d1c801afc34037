import Core
import Foundation
import Storage
import TestSupport
import Testing

/// Pruning old finished jobs keeps active and recent jobs and the audit trail.
@Suite("Retention")
struct RetentionTests {
  @Test("finished jobs older than the cut-off go with their history; active and recent ones and the audit trail stay")
  func prune() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let clock = ManualTimeSource()
    let store = try JobStore(path: directory.file("podhop.db"), time: clock)
    func create(_ pod: String) async throws -> MigrationID {
      let request = NewMigration(source: PodReference(namespace: "default", pod: pod), targetNode: "node-b")
      guard case .created(let job) = try await store.create(request, requestedBy: "otto", trigger: .api, render: { _ in [] })
      else { throw RawHTTPClientError(description: "not created") }
      return job.id
    }
    func fail(_ id: MigrationID) async throws {
      let leased = try #require(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil))
      #expect(leased.id == id)
      _ = try await store.recordFailure(id, owner: "w", message: "gone", retryable: false, retryAt: nil)
    }
    // 1,100 old failed jobs (more than two batches), then an active one and a recent failed one.
    var old: [MigrationID] = []
    for index in 0..<1100 {
      let id = try await create("old-\(index)")
      try await fail(id)
      old.append(id)
    }
    clock.advance(by: 40 * 86_400)
    let recent = try await create("recent")
    try await fail(recent)
    let active = try await create("active")
    let auditBefore = try await store.audit(AuditFilter(), limit: 1, after: nil).items.first?.seq

    let pruned = try await store.pruneFinished(olderThan: .seconds(30 * 86_400))
    #expect(pruned.jobs == 1100)
    let oldJob = try await store.job(old[0])
    let oldEvents = try await store.events(old[0])
    #expect(oldJob == nil && oldEvents == nil)
    let activeJob = try await store.job(active)
    let recentJob = try await store.job(recent)
    #expect(activeJob != nil && recentJob != nil)
    let auditAfter = try await store.audit(AuditFilter(), limit: 1, after: nil).items.first?.seq
    #expect(auditAfter == auditBefore)
    let again = try await store.pruneFinished(olderThan: .seconds(30 * 86_400))
    #expect(again == JobStore.Pruned())
    store.close()
  }
}
