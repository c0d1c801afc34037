import Foundation
import Storage

/// `podhop audit verify --database FILE`: walks the audit trail's hash chain and names the
/// first record that was edited or follows a removed one. Reads the file only, so it can run
/// next to a serving podhop (or on a copy of its database).
enum AuditCommand {
  static let usage = """
    Usage: podhop audit verify --database FILE

    Checks the hash chain of podhop's audit trail in the SQLite file FILE. Exits 0 when every
    record's hash follows from its contents and the record before it, printing the number of
    records and the hash of the last one (keep it elsewhere: a chain cannot show that records
    were cut from its end); exits 1 naming the first record that breaks the chain.

    Options:
      --database FILE         The database podhop serve writes (its --database).
      --help                  Show this text.

    """

  /// Runs `podhop audit ARGUMENTS`.
  static func run(_ arguments: [String]) async -> Int32 {
    await ClientCommand.run(arguments, usage: usage) { () async throws(ClientError) -> Int32 in
      guard arguments.first == "verify" else {
        throw .usage(arguments.isEmpty ? "an audit command is required: verify" : "unknown audit command '\(arguments[0])'")
      }
      let parsed = try ClientArguments(arguments.dropFirst(), .init(options: ["--database"]))
      guard parsed.positional.isEmpty else { throw .usage("unexpected argument '\(parsed.positional[0])'") }
      guard let path = parsed.value("--database") else { throw .usage("--database FILE is required") }
      guard FileManager.default.fileExists(atPath: path) else { throw .failed("\(path): no such file") }
      let result: AuditVerifier.Result
      do { result = try AuditVerifier.verify(databasePath: path) } catch {
        throw .failed("\(path): cannot read the audit trail: \(error)")
      }
      if let broken = result.firstBroken {
        throw .failed([
          "audit chain broken at record \(broken.seq) (\(broken.action) \(broken.target) by \(broken.actor)):",
          "its hash does not follow from its contents and the record before it; that record was edited,",
          "or a record before it was edited or removed. \(result.checked - 1) records before it are intact.",
        ])
      }
      print("audit chain intact: \(result.checked) records; last hash \(result.head)")
      return 0
    }
  }
}
