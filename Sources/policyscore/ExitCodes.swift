import ArgumentParser

/// The exit codes of every command, as the README documents them.
enum ExitCodes {
  /// The run failed: bad model, unreadable input, failed write.
  static let failure = ExitCode(1)
  /// A problem with the arguments (EX_USAGE).
  static let usage = ExitCode(64)
  /// The input data was rejected beyond what the run allows (EX_DATAERR).
  static let dataError = ExitCode(65)
  /// Another run of the same job holds its lock (EX_TEMPFAIL): try again later.
  static let locked = ExitCode(75)
}
