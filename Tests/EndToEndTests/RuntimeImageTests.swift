import Foundation
import TestSupport
import Testing

/// The Dockerfile's runtime stage, checked without a container engine (what the script does not
/// prove is in its header and in README's Deployment section).
@Suite("runtime image")
struct RuntimeImageTests {
  @Test("the runtime packages resolve on bookworm and ship every shared library a -static-stdlib podhop needs")
  func runtimePackages() async throws {
    let result = try await Command.run(
      "/bin/bash", [DeployManifestTests.root.appending(path: "scripts/check-runtime-image.sh").path],
      directory: DeployManifestTests.root.path, environment: ["PODHOP_BINARY": PodhopProcess.executable])
    #expect(result.status == 0, "\(result.text)\n\(result.stderr)")
    #expect(result.text.contains("ok   libisal.so.2") && result.text.contains("ok   libmicrohttpd.so.12"))
    #expect(result.text.contains("negative control: without libisal2"))
    #expect(result.text.contains("runtime image check passed"))
  }
}
