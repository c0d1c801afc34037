import API
import Foundation
import HTTPServer
import OCI
import Stages

extension AgentHandler {
  /// `GET /v1/archives`: `{"items": [{"name", "sizeBytes", "modified"}]}`, oldest first.
  func listArchives() throws -> HTTPResponse {
    let archives: [StoredArchive]
    do { archives = try directory.list() } catch {
      throw Problem(
        status: 500, slug: "checkpoint-directory-unreadable", title: "Checkpoint directory unreadable",
        detail: "cannot list \(directory.path): is the kubelet checkpoint directory mounted and readable by the agent?")
    }
    return try Self.json(200, ArchiveList(items: archives))
  }

  /// `POST /v1/archives/{file}/inspect`: validates the archive; 422 when it is not a valid
  /// checkpoint archive.
  func inspect(_ file: String) async throws -> HTTPResponse {
    let archive = try existing(file)
    do {
      let inspected = try await ImageBuilder.inspect(archive: directory.file(file)!)
      return try Self.json(
        200,
        ArchiveInspection(
          containerName: inspected.metadata.containerName,
          baseImage: inspected.metadata.rootfsImageName ?? inspected.metadata.rootfsImage, sizeBytes: archive.sizeBytes))
    } catch let error as ImageError where error.code == .io {
      throw Problem(
        status: 503, slug: "archive-unreadable", title: "Archive unreadable", detail: "\(error)", retryAfterSeconds: 1)
    } catch {
      throw Problem(status: 422, slug: "invalid-archive", title: "Invalid checkpoint archive", detail: "\(error)")
    }
  }

  /// `DELETE /v1/archives/{file}`: 204; 404 when absent, 409 while it is being published.
  func deleteArchive(_ file: String) async throws -> HTTPResponse {
    _ = try existing(file)
    guard await !publications.busyArchives().contains(file) else {
      throw Problem(
        status: 409, slug: "archive-busy", title: "Conflict", detail: "\(file) is being published; cancel the publication first")
    }
    do {
      guard try directory.delete(file) else { throw Self.noArchive(file) }
    } catch let problem as Problem {
      throw problem
    } catch {
      throw Problem(
        status: 500, slug: "archive-not-deleted", title: "Archive not deleted",
        detail: "cannot delete \(file): \(error.localizedDescription) (is the checkpoint directory mounted writable?)")
    }
    logger.info("archive deleted", ["archive": file])
    return HTTPResponse(status: 204)
  }

  /// `POST /v1/publications`: 202 with the new publication, or 200 with the migration's
  /// existing one.
  func startPublication(_ body: [UInt8]) async throws -> HTTPResponse {
    let request: PublicationRequest
    do { request = try JSONDecoder().decode(PublicationRequest.self, from: Data(body)) } catch {
      throw Problem(
        status: 422, slug: "validation-failed", title: "Validation failed",
        detail:
          "the body must be a publication request (migrationID, archive, container, reference, compression, os, architecture)")
    }
    guard !request.migrationID.isEmpty, request.migrationID.count <= 64,
      request.migrationID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    else {
      throw Problem(status: 422, slug: "validation-failed", title: "Validation failed", detail: "migrationID is not an id")
    }
    _ = try existing(request.archive)
    do {
      let (status, created) = try await publications.start(request)
      return try Self.json(created ? 202 : 200, status)
    } catch Publications.StartError.noArchive {
      throw Self.noArchive(request.archive)
    } catch Publications.StartError.conflict {
      throw Problem(
        status: 409, slug: "publication-conflict", title: "Conflict",
        detail: "migration \(request.migrationID) has a publication of another archive or reference running")
    }
  }

  /// `GET /v1/publications/{id}`.
  func publication(_ id: String) async throws -> HTTPResponse {
    guard let status = await publications.status(id) else { throw Self.noPublication(id) }
    return try Self.json(200, status)
  }

  /// `DELETE /v1/publications/{id}`: cancels the upload; 204.
  func cancelPublication(_ id: String) async throws -> HTTPResponse {
    guard await publications.cancel(id) else { throw Self.noPublication(id) }
    return HTTPResponse(status: 204)
  }

  /// The archive `file`, or 400 for a name that is not an archive name and 404 when absent.
  private func existing(_ file: String) throws -> StoredArchive {
    guard ArchiveDirectory.isArchiveName(file) else {
      throw Problem(
        status: 400, slug: "bad-archive-name", title: "Bad request",
        detail: "'\(file)' is not a kubelet checkpoint archive name (checkpoint-<pod>_<namespace>-<container>-<time>.tar)")
    }
    guard let archive = directory.stat(file) else { throw Self.noArchive(file) }
    return archive
  }

  private static func noArchive(_ file: String) -> Problem {
    Problem(status: 404, slug: "no-archive", title: "Not found", detail: "no archive \(file) on this node")
  }

  private static func noPublication(_ id: String) -> Problem {
    Problem(status: 404, slug: "no-publication", title: "Not found", detail: "no publication \(id) on this agent")
  }
}

/// The body of `GET /v1/archives`.
public struct ArchiveList: Sendable, Codable {
  public var items: [StoredArchive]
}
