import ClusterEmulator

#if canImport(Glibc)
  import Glibc
#endif

// Everything lives in the library so tests can run the emulator in-process; see EmulatorCommand.
exit(await EmulatorCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
