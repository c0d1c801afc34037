import Testing

@testable import App

@Suite("The client's server-sent event parser")
struct ServerSentEventParserTests {
  @Test("events split across pieces of any size come out whole; comments and retry are skipped")
  func pieces() {
    let stream =
      "retry: 2000\n\n: keep-alive\n\nid: 1\nevent: job.created\ndata: {\"seq\":1}\n\nid: 2\r\nevent: stage.started\r\ndata: a\r\ndata: b\r\n\r\n"
    let bytes = Array(stream.utf8)
    for size in [1, 2, 7, bytes.count] {
      let parser = ServerSentEventParser()
      var events: [ServerSentEvent] = []
      var offset = 0
      while offset < bytes.count {
        events += parser.feed(Array(bytes[offset..<min(offset + size, bytes.count)]))
        offset += size
      }
      #expect(
        events == [
          ServerSentEvent(id: "1", event: "job.created", data: "{\"seq\":1}"),
          ServerSentEvent(id: "2", event: "stage.started", data: "a\nb"),
        ], "piece size \(size)")
      #expect(parser.lastEventID == "2")
    }
  }
}
