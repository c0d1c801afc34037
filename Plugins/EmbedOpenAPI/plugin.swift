import Foundation
import PackagePlugin

/// Compiles the package's `openapi.yaml` into the API module as `OpenAPIDocument.text`, which
/// the server publishes at `/openapi.yaml`.
@main
struct EmbedOpenAPI: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let input = context.package.directoryURL.appending(path: "openapi.yaml")
    let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocument.swift")
    return [
      .buildCommand(
        displayName: "Embedding openapi.yaml",
        executable: try context.tool(named: "embed").url,
        arguments: ["text", "OpenAPIDocument", output.path, input.path],
        inputFiles: [input],
        outputFiles: [output])
    ]
  }
}
