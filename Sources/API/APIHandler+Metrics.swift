import Core
import HTTPServer

extension APIHandler {
  /// Counters and histograms from memory plus gauges read from the database at scrape time.
  func metricsResponse() async throws -> HTTPResponse {
    let stats = try await store.stats()
    var text = metrics.render()
    text += "# HELP podhop_jobs Migration jobs by state.\n# TYPE podhop_jobs gauge\n"
    for state in JobState.allCases {
      text += "podhop_jobs{state=\"\(state.rawValue)\"} \(stats.jobsByState[state] ?? 0)\n"
    }
    text += "# HELP podhop_queue_depth Jobs waiting to be leased.\n# TYPE podhop_queue_depth gauge\n"
    text += "podhop_queue_depth \(stats.jobsByState[.queued] ?? 0)\n"
    text +=
      "# HELP podhop_oldest_queued_age_seconds Age of the oldest queued job.\n# TYPE podhop_oldest_queued_age_seconds gauge\n"
    text += "podhop_oldest_queued_age_seconds \(MetricsRegistry.number(stats.oldestQueuedAgeSeconds))\n"
    return HTTPResponse(
      status: 200, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]), body: Array(text.utf8))
  }
}
