import Foundation
import PackagePlugin

/// Compiles the package's `migrations/*.sql` into the Storage module as `EmbeddedMigrations.all`.
@main
struct EmbedMigrations: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let directory = context.package.directoryURL.appending(path: "migrations")
    let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "sql" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(files.count) schema migrations",
        executable: try context.tool(named: "embed").url,
        arguments: ["migrations", output.path] + files.map(\.path),
        inputFiles: files + [directory],
        outputFiles: [output])
    ]
  }
}
