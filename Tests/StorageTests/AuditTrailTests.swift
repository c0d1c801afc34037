import Core
import Foundation
import SQLite
import Storage
import TestSupport
import Testing

/// The audit trail in the store: what changes append, the hash chain and its verification.
@Suite("Audit trail")
struct AuditTrailTests {
  let request = NewMigration(source: PodReference(namespace: "default", pod: "counter"), targetNode: "node-b")

  func makeStore() throws -> (TemporaryDirectory, JobStore) {
    let directory = try TemporaryDirectory()
    return (directory, try JobStore(path: directory.file("podhop.db")))
  }

  func create(_ store: JobStore, pod: String = "counter") async throws -> MigrationJob {
    var request = request
    request.source.pod = pod
    let outcome = try await store.create(request, requestedBy: "otto", trigger: .api, sourceAddress: "10.0.0.7") { _ in [] }
    guard case .created(let job) = outcome else { throw RawHTTPClientError(description: "not created") }
    return job
  }

  @Test("the queue's job-level transitions are recorded by podhop: started, then succeeded or failed with its error")
  func transitions() async throws {
    let (directory, store) = try makeStore()
    defer { directory.remove() }
    let job = try await create(store)
    let leased = try #require(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil))
    #expect(leased.id == job.id)
    _ = try await store.recordFailure(job.id, owner: "w", message: "pod not found", retryable: false, retryAt: nil)
    let records = try await store.audit(AuditFilter(), limit: 10, after: nil).items
    #expect(records.map(\.action) == [.migrationFailed, .migrationStarted, .migrationCreated])
    #expect(records[0].actor == "podhop" && records[0].sourceAddress == "" && records[0].details["error"] == "pod not found")
    #expect(records[2].actor == "otto" && records[2].sourceAddress == "10.0.0.7" && records[2].target == "migration/\(job.id)")
    store.close()
  }

  @Test("an intact chain verifies; an edited record, or one after a removed record, is named")
  func verification() async throws {
    let (directory, store) = try makeStore()
    defer { directory.remove() }
    for pod in ["a", "b", "c", "d"] { _ = try await create(store, pod: pod) }
    store.close()
    let path = directory.file("podhop.db")
    let intact = try AuditVerifier.verify(databasePath: path, pageSize: 3)
    #expect(intact.checked == 4 && intact.firstBroken == nil && intact.head.count == 64)

    let db = try Connection(path: path)
    #expect(throws: SQLiteError.self) { try db.run("UPDATE audit_records SET actor = 'mallory' WHERE seq = 2") }
    #expect(throws: SQLiteError.self) { try db.run("DELETE FROM audit_records WHERE seq = 3") }
    // Someone with write access to the file can drop the guards; the chain still shows it.
    try db.execute("DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete")
    try db.run("UPDATE audit_records SET actor = 'mallory' WHERE seq = 2")
    let edited = try AuditVerifier.verify(databasePath: path, pageSize: 3)
    #expect(edited.firstBroken?.seq == 2 && edited.firstBroken?.actor == "mallory" && edited.checked == 2)
    try db.run("UPDATE audit_records SET actor = 'otto' WHERE seq = 2")
    #expect(try AuditVerifier.verify(databasePath: path).firstBroken == nil)
    try db.run("DELETE FROM audit_records WHERE seq = 3")
    #expect(try AuditVerifier.verify(databasePath: path, pageSize: 2).firstBroken?.seq == 4)
    db.close()
  }
}
