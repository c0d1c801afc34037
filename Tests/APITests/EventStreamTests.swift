import Core
import Foundation
import Storage
import TestSupport
import Testing

@Suite("GET /v1/migrations/{id}/events?follow=true streams server-sent events")
struct EventStreamTests {
  @Test("Recorded events arrive first, new ones as they happen, and the stream ends when the job ends")
  func liveUntilTerminal() async throws {
    let api = try await APIHarness()
    do {
      let id = try #require(try await api.create()["id"] as? String)
      let stream = try await api.openStream(id)
      let head = try await stream.readRaw(until: "\"type\":\"job.created\"}\n\n", timeout: .seconds(20))
      #expect(head.hasPrefix("HTTP/1.1 200"))
      #expect(head.contains("Content-Type: text/event-stream"))
      #expect(head.contains("retry: 2000\n"))
      #expect(head.contains("id: 1\nevent: job.created\ndata: {"))
      _ = try await api.store.cancel(try #require(MigrationID(id)), requestedBy: "otto")
      let rest = try await stream.readRaw(until: "\r\n0\r\n\r\n", timeout: .seconds(20))
      #expect(rest.contains("event: cancel.requested\n") || rest.contains("event: job.canceled\n"))
      #expect(rest.contains("event: job.canceled\n"))
      #expect(rest.hasSuffix("0\r\n\r\n"))
      // Each data line is the Event JSON of its frame.
      let line = try #require(rest.split(separator: "\n").first { $0.hasPrefix("data: ") && $0.contains("job.canceled") })
      let event = try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])
      #expect(event["type"] as? String == "job.canceled")
    } catch {
      await api.stop()
      throw error
    }
    await api.stop()
  }

  @Test("Last-Event-ID resumes after that event")
  func resumesAfterLastEventID() async throws {
    let api = try await APIHarness()
    do {
      let id = try #require(try await api.create()["id"] as? String)
      _ = try await api.store.cancel(try #require(MigrationID(id)), requestedBy: "otto")
      let all = try await api.store.events(try #require(MigrationID(id))) ?? []
      #expect(all.count >= 2)
      let stream = try await api.openStream(id, headers: [("Last-Event-ID", "1")])
      let text = try await stream.readRaw(until: "\r\n0\r\n\r\n", timeout: .seconds(20))
      #expect(!text.contains("id: 1\n"))
      for event in all.dropFirst() { #expect(text.contains("id: \(event.seq)\nevent: \(event.type.rawValue)\n")) }
    } catch {
      await api.stop()
      throw error
    }
    await api.stop()
  }

  @Test("A quiet stream sends keep-alive comments")
  func heartbeats() async throws {
    let api = try await APIHarness { $0.followHeartbeat = .milliseconds(200) }
    do {
      let id = try #require(try await api.create()["id"] as? String)
      let stream = try await api.openStream(id)
      let text = try await stream.readRaw(until: ": keep-alive\n\n", timeout: .seconds(20))
      #expect(text.contains("event: job.created"))
    } catch {
      await api.stop()
      throw error
    }
    await api.stop()
  }

  @Test("Streams over the limit get 503 problem+json; a slot frees when a stream ends")
  func limit() async throws {
    let api = try await APIHarness { $0.followStreamLimit = 1 }
    do {
      let id = try #require(try await api.create()["id"] as? String)
      let first = try await api.openStream(id)
      _ = try await first.readRaw(until: "event: job.created\n", timeout: .seconds(20))
      let refused = try await api.send(
        "GET", "/v1/migrations/\(id)/events?follow=true", token: APIHarness.readerToken)
      #expect(refused.status == 503)
      #expect(refused.headers["Content-Type"] == "application/problem+json")
      #expect(refused.headers["Retry-After"] != nil)
      // Without follow, the list is still served.
      #expect(try await api.send("GET", "/v1/migrations/\(id)/events", token: APIHarness.readerToken).status == 200)
      _ = try await api.store.cancel(try #require(MigrationID(id)), requestedBy: "otto")
      _ = try await first.readRaw(until: "\r\n0\r\n\r\n", timeout: .seconds(20))
      let freed = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
        let stream = try await api.openStream(id)
        return (try? await stream.readRawToEnd(timeout: .seconds(10)))?.hasPrefix("HTTP/1.1 200") ?? false
      }
      #expect(freed)
    } catch {
      await api.stop()
      throw error
    }
    await api.stop()
  }

  @Test(
    "Unknown jobs, bad Last-Event-ID and bad follow values are problems",
    arguments: [
      ("/v1/migrations/00000000-0000-4000-8000-000000000000/events?follow=true", [(String, String)](), 404),
      ("/v1/migrations/{id}/events?follow=true", [("Last-Event-ID", "x")], 400),
      ("/v1/migrations/{id}/events?follow=yes", [], 400),
      ("/v1/migrations/{id}/events?since=3", [], 400),
    ])
  func problems(target: String, headers: [(String, String)], status: Int) async throws {
    let api = try await APIHarness()
    do {
      let id = try #require(try await api.create()["id"] as? String)
      let response = try await api.send(
        "GET", target.replacingOccurrences(of: "{id}", with: id), token: APIHarness.readerToken, headers: headers)
      #expect(response.status == status)
      #expect(response.headers["Content-Type"] == "application/problem+json")
    } catch {
      await api.stop()
      throw error
    }
    await api.stop()
  }

  @Test("A job shows the progress its running stage reported, and loses it when the stage moves on")
  func progressInJob() async throws {
    let api = try await APIHarness()
    do {
      let text = try #require(try await api.create()["id"] as? String)
      let id = try #require(MigrationID(text))
      let leased = try #require(try await api.store.lease(owner: "w", duration: .seconds(60), nodeLimit: nil))
      #expect(leased.id == id)
      try await api.store.recordProgress(
        id, owner: "w", stage: leased.stage, attempt: leased.attempt, bytesDone: 1024, bytesTotal: 4096)
      // A write for an attempt that is not the current one is ignored.
      try await api.store.recordProgress(
        id, owner: "w", stage: leased.stage, attempt: leased.attempt + 1, bytesDone: 9, bytesTotal: nil)
      let job = try await api.send("GET", "/v1/migrations/\(id)", token: APIHarness.readerToken).object()
      let progress = try #require(job["progress"] as? [String: Any])
      #expect(progress["stage"] as? String == leased.stage.rawValue)
      #expect(progress["bytesDone"] as? Int == 1024)
      #expect(progress["bytesTotal"] as? Int == 4096)
      #expect(progress["updatedAt"] is String)
      _ = try await api.store.completeStage(id, owner: "w", output: .none, leaseDuration: .seconds(60))
      let next = try await api.send("GET", "/v1/migrations/\(id)", token: APIHarness.readerToken).object()
      #expect(next["stage"] as? String != leased.stage.rawValue)
      #expect(next["progress"] == nil)
    } catch {
      await api.stop()
      throw error
    }
    await api.stop()
  }
}
