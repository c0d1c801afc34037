// swift-tools-version:6.0
import PackageDescription

// Module graph (dependencies point inward):
//   C libraries  -> CSQLite, CMicroHTTPD, COpenSSL (system-library targets, one importer each)
//   adapters     -> SQLite, HTTPServer, Crypto
//   domain       -> Core (jobs, stages, errors)  <- Storage (SQLite job store) <- Queue (worker pool)
//   HTTP API     -> API (routes, auth, problem+json, metrics)
//   wiring       -> App (configuration, serve command) <- podhop (executable)
let package = Package(
  name: "podhop",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "podhop", targets: ["podhop"])
  ],
  targets: [
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
    .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .target(name: "YAML", dependencies: ["CYAML"]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .target(name: "CurlShim", dependencies: ["CCurl"]),
    .target(name: "HTTPClient", dependencies: ["CCurl", "CurlShim"]),
    .target(name: "Kubernetes", dependencies: ["HTTPClient", "YAML", "Core"]),
    .target(name: "Registry", dependencies: ["HTTPClient", "Crypto"]),
    .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    .target(name: "OCI", dependencies: ["CISAL", "CZlib", "CZstd", "Crypto"]),

    .target(name: "Crypto", dependencies: ["COpenSSL"]),
    .target(name: "SQLite", dependencies: ["CSQLite", "Crypto"]),
    .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"]),

    .target(name: "Core"),
    .executableTarget(name: "embed"),
    .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["embed"]),
    .plugin(name: "EmbedOpenAPI", capability: .buildTool(), dependencies: ["embed"]),
    .target(name: "Storage", dependencies: ["Core", "SQLite", "Crypto"], plugins: ["EmbedMigrations"]),
    .target(name: "Queue", dependencies: ["Core", "Storage"]),
    .target(name: "Notifications", dependencies: ["Core", "Storage", "HTTPClient", "Crypto"]),
    .target(
      name: "API", dependencies: ["Core", "Storage", "Queue", "HTTPServer", "Crypto", "SQLite"], plugins: ["EmbedOpenAPI"]),
    .target(name: "Stages", dependencies: ["Core", "Kubernetes", "Registry", "OCI", "HTTPClient", "Crypto"]),
    .target(
      name: "NodeAgent",
      dependencies: ["Core", "API", "Stages", "OCI", "Registry", "HTTPServer", "HTTPClient", "Crypto", "Kubernetes"]),
    .target(
      name: "App",
      dependencies: [
        "Core", "Storage", "Queue", "API", "HTTPServer", "OCI", "Stages", "Kubernetes", "Registry", "HTTPClient", "NodeAgent",
        "Notifications",
      ]),
    .executableTarget(name: "podhop", dependencies: ["App"]),
    .target(name: "ClusterEmulator", dependencies: ["HTTPServer", "Crypto", "YAML"]),
    .executableTarget(name: "cluster-emulator", dependencies: ["ClusterEmulator"]),
    .executableTarget(name: "queue-bench", dependencies: ["Core", "Storage", "Queue"], path: "bench/queue-bench"),

    .target(name: "TestSupport", dependencies: ["Core", "Storage", "HTTPServer"]),
    .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
    .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
    .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
    .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
    .testTarget(name: "QueueTests", dependencies: ["Queue", "TestSupport"]),
    .testTarget(name: "NotificationsTests", dependencies: ["Notifications", "Storage", "HTTPServer", "Crypto", "TestSupport"]),
    .testTarget(name: "StagesTests", dependencies: ["Stages", "Kubernetes", "TestSupport"]),
    .testTarget(name: "APITests", dependencies: ["API", "App", "TestSupport", "YAML"]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
    .testTarget(name: "ClusterEmulatorTests", dependencies: ["ClusterEmulator", "TestSupport"]),
    .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"]),
    .testTarget(name: "KubernetesTests", dependencies: ["Kubernetes", "TestSupport", "HTTPServer"]),
    .testTarget(name: "RegistryTests", dependencies: ["Registry", "TestSupport", "Crypto"]),
    .testTarget(name: "NodeAgentTests", dependencies: ["NodeAgent", "Stages", "TestSupport", "HTTPServer", "HTTPClient"]),
    .testTarget(name: "OCITests", dependencies: ["OCI", "TestSupport"], resources: [.copy("Fixtures")]),
  ]
)
