import Foundation
import TestSupport
import Testing

/// The cluster failing under podhop (the emulator's /emulator/faults): transient errors are
/// retried and each attempt is in the job's history; terminal ones fail the job at once.
@Suite("cluster faults end to end")
struct ClusterFaultTests {
  static func harness() async throws -> MigrationHarness {
    try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")], pods: [MigrationHarness.pod("counter")])
  }

  static func failures(_ events: [[String: Any]], _ stage: String) -> [[String: Any]] {
    events.filter { $0["type"] as? String == "attempt.failed" && $0["stage"] as? String == stage }
  }

  static func attempts(_ job: [String: Any], _ stage: String) -> Int? {
    (job["stages"] as? [[String: Any]])?.first { $0["name"] as? String == stage }?["attempts"] as? Int
  }

  @Test(
    "500s and 429s on pod reads, checkpoint and pod creation are retried; the job succeeds and its history shows every attempt")
  func transientFaults() async throws {
    let harness = try await Self.harness()
    try await harness.inject("getPod", count: 1, status: 500, message: "etcdserver: leader changed")
    try await harness.inject("getPod", count: 1, status: 429, message: "too many requests, slow down")
    // A kubelet 500 is retried only for the runtime's known transient failures (CheckpointStage);
    // other 500s are CRIU refusing the container, which a retry does not change.
    try await harness.inject("checkpoint", count: 1, status: 500, message: "cannot pause a paused container")
    try await harness.inject("checkpoint", count: 1, status: 429, message: "too many requests")
    try await harness.inject("createPod", count: 1, status: 500, message: "etcdserver: request timed out")
    try await harness.inject("createPod", count: 1, status: 429, message: "storage is (re)initializing")
    let id = try await harness.migrate("counter", to: "node-b")
    let job = try await harness.finished(id)
    let events = try await harness.events(id)
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)\n\(events)")
    #expect(Self.failures(events, "preflight").count == 2, "\(Self.failures(events, "preflight"))")
    #expect(Self.failures(events, "checkpoint").count == 2)
    #expect(Self.failures(events, "restore").count == 2)
    #expect(Self.attempts(job, "preflight") == 3 && Self.attempts(job, "checkpoint") == 3 && Self.attempts(job, "restore") == 3)
    let retries = events.filter { $0["type"] as? String == "retry.scheduled" }.compactMap { $0["stage"] as? String }
    #expect(retries == ["preflight", "preflight", "checkpoint", "checkpoint", "restore", "restore"])
    let messages = Self.failures(events, "checkpoint").compactMap { $0["message"] as? String }
    #expect(messages.first?.contains("cannot pause a paused container") == true, "\(messages)")
    // Exactly one restored pod, although its creation was attempted three times.
    let pods = try await harness.clusterState()["pods"] as? [[String: Any]] ?? []
    #expect(pods.filter { ($0["name"] as? String)?.contains("-hop-") == true }.count == 1, "\(pods.compactMap { $0["name"] })")
    await harness.stop()
  }

  /// A terminal answer from the cluster, and the stage it must stop.
  struct Terminal: Sendable, CustomStringConvertible {
    var description: String
    var fault: (operation: String, status: Int, message: String)
    var stage: String
    var text: String
  }

  @Test(
    "terminal cluster answers fail the job at once, with one attempt and no retry",
    arguments: [
      Terminal(
        description: "CRIU refusing the container", fault: ("checkpoint", 500, "established TCP connection"),
        stage: "checkpoint", text: "failed in the container runtime"),
      Terminal(
        description: "checkpoint forbidden", fault: ("checkpoint", 403, "forbidden"), stage: "checkpoint", text: "forbidden"),
      Terminal(
        description: "kubelet without the checkpoint endpoint (feature gate off)",
        fault: ("checkpoint", 404, "404 page not found"), stage: "checkpoint", text: "checkpoint endpoint"),
      Terminal(
        description: "restore pod creation forbidden", fault: ("createPod", 403, "pods is forbidden"), stage: "restore",
        text: "forbidden"),
    ])
  func terminalFaults(_ terminal: Terminal) async throws {
    let harness = try await Self.harness()
    let body =
      terminal.fault.operation == "checkpoint" && terminal.fault.status == 404
      ? #","body":"404 page not found""# : ""
    try await harness.injectRaw(
      #"{"operation":"\#(terminal.fault.operation)","count":5,"status":\#(terminal.fault.status),"message":"\#(terminal.fault.message)"\#(body)}"#
    )
    let id = try await harness.migrate("counter", to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "failed" && job["stage"] as? String == terminal.stage, "\(job)")
    let error = job["error"] as? [String: Any] ?? [:]
    #expect(error["retryable"] as? Bool == false)
    #expect((error["message"] as? String)?.lowercased().contains(terminal.text) == true, "\(error)")
    #expect(Self.attempts(job, terminal.stage) == 1)
    let events = try await harness.events(id)
    #expect(!events.contains { $0["type"] as? String == "retry.scheduled" }, "a terminal error was retried")
    // Nothing was left half-done: the source pod still runs.
    let pods = try await harness.clusterState()["pods"] as? [[String: Any]] ?? []
    #expect(pods.contains { $0["name"] as? String == "counter" })
    await harness.stop()
  }
}
