import Core

/// The stage implementations this build links. Empty until the Kubernetes and image stages
/// land; the worker pool fails a job whose stage has none, naming the stage.
enum StageCatalog {
  static let executors: [Stage: any StageExecutor] = [:]
}
