import Foundation

/// The `podhop` command: dispatches to its subcommands.
public enum CommandLineTool {
  static let usage = """
    Usage: podhop <command> [options]

    Commands:
      serve     Run the API server and the worker pool (podhop serve --help).
      agent     Run the node agent that serves this node's checkpoint archives (podhop agent --help).
      image     Build a checkpoint image from an archive, offline (podhop image build --help).
      archive   Inspect a checkpoint archive, offline (podhop archive --help).
      audit     Verify the audit trail's hash chain in a database file (podhop audit --help).

    Client commands (talk to a running server; PODHOP_SERVER and PODHOP_TOKEN or --token-file):
      migrate   Migrate a pod to another node, optionally waiting for it (podhop migrate --help).
      preflight Run a migration's pre-flight checks without migrating (podhop preflight --help).
      jobs      List, show, cancel and retry jobs, and read their events (podhop jobs --help).
      evacuate  Move every movable pod off a node (podhop evacuate --help).
      help      Show this text.

    """

  /// Runs the command line and returns the exit code.
  public static func main(_ arguments: [String], environment: [String: String]) async -> Int32 {
    switch arguments.first {
    case "serve": return await ServeCommand.run(arguments: Array(arguments.dropFirst()), environment: environment)
    case "agent": return await AgentCommand.run(arguments: Array(arguments.dropFirst()), environment: environment)
    case "image": return await ImageCommand.run(Array(arguments.dropFirst()))
    case "archive": return await ArchiveCommand.run(Array(arguments.dropFirst()))
    case "audit": return await AuditCommand.run(Array(arguments.dropFirst()))
    case "migrate": return await ClientMigrateCommand.migrate(Array(arguments.dropFirst()), environment: environment)
    case "preflight": return await ClientMigrateCommand.preflight(Array(arguments.dropFirst()), environment: environment)
    case "jobs": return await ClientJobsCommand.run(Array(arguments.dropFirst()), environment: environment)
    case "evacuate": return await ClientEvacuateCommand.run(Array(arguments.dropFirst()), environment: environment)
    case "help", "--help", "-h", nil:
      print(usage, terminator: "")
      return arguments.isEmpty ? 2 : 0
    default:
      FileHandle.standardError.write(Data("podhop: unknown command '\(arguments[0])'\n\(usage)".utf8))
      return 2
    }
  }
}
