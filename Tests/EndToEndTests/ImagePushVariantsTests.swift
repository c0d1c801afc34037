import Foundation
import TestSupport
import Testing

/// `podhop image push` (the push stage's own code) against Debian's docker-registry in each
/// configuration a cluster might use; skopeo copies the image back and umoci unpacks it to the
/// archive's files.
@Suite("podhop image push on every registry variant")
struct ImagePushVariantsTests {
  @Test(
    "plain HTTP, htpasswd and TLS registries take the image, and it unpacks to the archive's files",
    arguments: [RegistryProcess.Variant.plainHTTP, .basicAuth, .tls])
  func variant(_ variant: RegistryProcess.Variant) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let registry = try await RegistryProcess.start(variant)
    defer { Task { await registry.stop() } }  // awaited by nobody: the process dies with the test at the latest
    let source = directory.file("source")
    try FileManager.default.createDirectory(atPath: source + "/checkpoint", withIntermediateDirectories: true)
    let files = [
      "config.dump": #"{"name":"k8s_app_counter_default_u_0","rootfsImageName":"docker.io/library/busybox:latest"}"#,
      "spec.dump": #"{"annotations":{"io.container.manager":"cri-o","io.kubernetes.container.name":"app"}}"#,
      "bind.mounts": "[]", "checkpoint/inventory.img": "inventory",
      "checkpoint/pages-1.img": String(repeating: "p", count: 70_000),
    ]
    for (name, text) in files { try text.write(toFile: source + "/" + name, atomically: true, encoding: .utf8) }
    let archive = directory.file("checkpoint.tar")
    try await runTool(
      "/usr/bin/tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", source, "-cf", archive] + files.keys.sorted())

    var options: [String] = []
    var skopeoOptions = ["--src-tls-verify=false"]
    switch variant {
    case .plainHTTP:
      options = ["--insecure-registry", registry.address]
    case .basicAuth:
      let auth = Data("\(registry.username!):\(registry.password!)".utf8).base64EncodedString()
      try #"{"auths":{"\#(registry.address)":{"auth":"\#(auth)"}}}"#.write(
        toFile: directory.file("auth.json"), atomically: true, encoding: .utf8)
      options = ["--insecure-registry", registry.address, "--registry-auth-file", directory.file("auth.json")]
      skopeoOptions += ["--src-creds", "\(registry.username!):\(registry.password!)"]
    case .tls:
      try Data(registry.caPEM!).write(to: URL(fileURLWithPath: directory.file("ca.pem")))
      options = ["--registry-ca-file", directory.file("ca.pem")]
    }
    let pushed = try await Command.run(
      PodhopProcess.executable,
      ["image", "push", archive, "\(registry.address)/ops/counter:t1", "--compression", "gzip"] + options)
    #expect(pushed.status == 0, "\(pushed.stderr)")
    let digest = try #require(
      (try JSONSerialization.jsonObject(with: Data(pushed.stdout)) as? [String: Any])?["manifestDigest"] as? String)

    try await runTool(
      "/usr/bin/skopeo",
      ["copy", "-q"] + skopeoOptions + [
        "docker://\(registry.address)/ops/counter@\(digest)", "oci:\(directory.file("layout")):t1",
      ])
    try await runTool(
      "/usr/bin/umoci", ["unpack", "--rootless", "--image", directory.file("layout") + ":t1", directory.file("bundle")])
    for (name, text) in files {
      let unpacked = try String(contentsOfFile: directory.file("bundle/rootfs/" + name), encoding: .utf8)
      #expect(unpacked == text, "\(name)")
    }
  }
}
