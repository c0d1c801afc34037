import Core
import Foundation
import OCI
import Registry

/// The archives read in this process from `directory`: the source node's kubelet checkpoint
/// directory, mounted (podhop then runs on that node), or the emulator's. `podhop serve
/// --checkpoint-dir` without a node agent.
public struct LocalArchiveHost: CheckpointArchiveHost {
  let directory: String
  let registry: RegistryClient

  public init(directory: String, registry: RegistryClient) {
    self.directory = directory
    self.registry = registry
  }

  func path(_ file: String) -> String { directory + "/" + file }

  public func size(of file: String, node: String) async throws -> Int64 {
    guard let size = (try? FileManager.default.attributesOfItem(atPath: path(file)))?[.size] as? Int64 else {
      throw StageError.terminal(
        "the kubelet wrote \(file) on node \(node), but \(path(file)) is not readable here: podhop reads archives from "
          + "--checkpoint-dir, which must be that node's kubelet checkpoint directory (or configure the node agent)")
    }
    return size
  }

  public func inspect(_ file: String, node: String) async throws -> ArchiveInspection {
    do {
      let inspected = try await ImageBuilder.inspect(archive: path(file))
      return ArchiveInspection(
        containerName: inspected.metadata.containerName,
        baseImage: inspected.metadata.rootfsImageName ?? inspected.metadata.rootfsImage,
        sizeBytes: try await size(of: file, node: node))
    } catch let error as ImageError {
      throw error.code == .io
        ? StageError.retryable("reading the archive: \(error)") : StageError.terminal("the archive: \(error)")
    }
  }

  public func publish(_ file: String, node: String, _ publication: PublicationRequest, progress: StageProgress)
    async throws -> String
  {
    do {
      let (spec, _) = try await CheckpointImagePublisher.inspect(
        archive: path(file), container: publication.container, migrationID: publication.migrationID, os: publication.os,
        architecture: publication.architecture)
      let published = try await CheckpointImagePublisher(registry: registry).publish(
        archive: path(file), spec: spec, compression: publication.compression,
        to: try RegistryReference.parse(publication.reference), progress: progress)
      return published.manifestDigest
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      throw PublishFailure.stageError(error, reference: publication.reference)
    }
  }

  public func delete(_ file: String, node: String) async throws {
    do {
      try FileManager.default.removeItem(atPath: path(file))
    } catch CocoaError.fileNoSuchFile {
      return
    } catch {
      throw StageError.retryable("deleting \(path(file)): \(error.localizedDescription)")
    }
  }
}
