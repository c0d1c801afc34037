/// Why a client subcommand stopped, and so its exit code.
///
/// `usage` (exit 2) is a mistake in the command line or the local configuration; `failed`
/// (exit 1) is a problem the server reported, a server that could not be reached, or a job that
/// did not succeed. The lines are printed to standard error as they are, each prefixed
/// `podhop: ` for the first line only.
enum ClientError: Error {
  /// The command line or configuration is wrong; the usage text helps.
  case usage(String)
  /// The operation failed; `lines` say why.
  case failed([String])

  /// A one-line failure.
  static func failed(_ line: String) -> ClientError { .failed([line]) }

  /// The process exit code for this error.
  var exitCode: Int32 {
    switch self {
    case .usage: 2
    case .failed: 1
    }
  }
}
