public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a folder of report files so that it is never half-written.
public enum ReportFolder {
  /// Writes `files` (relative path → file) into `directory` in one swap.
  ///
  /// The files go into a temporary sibling of `directory`, which then
  /// replaces it; paths may hold `/`. A failure or a kill before the swap
  /// leaves the previous folder as it was. `checkpoint` is called halfway
  /// through the files, for tests that kill the process there.
  public static func write(
    _ files: [String: ReportFile],
    to directory: URL,
    checkpoint: (String) -> Void = { _ in }
  ) throws(ReportError) {
    let fileManager = FileManager.default
    let parent = directory.deletingLastPathComponent()
    let name = directory.lastPathComponent
    let pid = ProcessInfo.processInfo.processIdentifier
    let temporary = parent.appendingPathComponent(".\(name).tmp-\(pid)")
    let previous = parent.appendingPathComponent(".\(name).old-\(pid)")
    do {
      try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
      try? fileManager.removeItem(at: temporary)
      try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
      for (index, (path, file)) in files.sorted(by: { $0.key < $1.key }).enumerated() {
        if index == files.count / 2 { checkpoint("reports-partly-written") }
        let url = temporary.appendingPathComponent(path)
        try fileManager.createDirectory(
          at: url.deletingLastPathComponent(),
          withIntermediateDirectories: true
        )
        try writeDurably(file, to: url.path)
      }
      var isDirectory: ObjCBool = false
      if fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
          throw ReportError.cannotWrite(path: directory.path, reason: "it is a file, not a folder")
        }
        try fileManager.moveItem(at: directory, to: previous)
      }
      try fileManager.moveItem(at: temporary, to: directory)
      try? fileManager.removeItem(at: previous)
    } catch let error as ReportError {
      try? fileManager.removeItem(at: temporary)
      throw error
    } catch {
      try? fileManager.removeItem(at: temporary)
      throw .cannotWrite(path: directory.path, reason: (error as NSError).localizedDescription)
    }
  }

  /// Writes `file` to a new file at `path` piece by piece, straight from
  /// its buffers, and fsyncs it: on disk before the swap, so that a crash
  /// after it finds whole files.
  private static func writeDurably(_ file: ReportFile, to path: String) throws(ReportError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(path) }
    defer { close(descriptor) }
    try file.write { buffer throws(ReportError) in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(
          descriptor,
          buffer.baseAddress.map { $0 + offset },
          buffer.count - offset
        )
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { throw failure(path) }
        offset += written
      }
    }
    guard fsync(descriptor) == 0 else { throw failure(path) }
  }

  private static func failure(_ path: String) -> ReportError {
    .cannotWrite(path: path, reason: String(cString: strerror(errno)))
  }
}
