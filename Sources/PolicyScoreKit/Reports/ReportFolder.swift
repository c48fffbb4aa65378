public import Foundation

/// Writes a folder of report files so that it is never half-written.
public enum ReportFolder {
  /// Writes `files` (relative path → bytes) into `directory` in one swap.
  ///
  /// The files go into a temporary sibling of `directory`, which then
  /// replaces it; paths may hold `/`. A failure or a kill before the swap
  /// leaves the previous folder as it was. `checkpoint` is called halfway
  /// through the files, for tests that kill the process there.
  public static func write(
    _ files: [String: [UInt8]],
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
      for (index, (path, bytes)) in files.sorted(by: { $0.key < $1.key }).enumerated() {
        if index == files.count / 2 { checkpoint("reports-partly-written") }
        let url = temporary.appendingPathComponent(path)
        try fileManager.createDirectory(
          at: url.deletingLastPathComponent(),
          withIntermediateDirectories: true
        )
        try Data(bytes).write(to: url)
        // On disk before the swap, so that a crash after it finds whole files.
        let handle = try FileHandle(forWritingTo: url)
        try handle.synchronize()
        try handle.close()
      }
      var isDirectory: ObjCBool = false
      if fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
          try? fileManager.removeItem(at: temporary)
          throw ReportError.cannotWrite(path: directory.path, reason: "it is a file, not a folder")
        }
        try fileManager.moveItem(at: directory, to: previous)
      }
      try fileManager.moveItem(at: temporary, to: directory)
      try? fileManager.removeItem(at: previous)
    } catch let error as ReportError {
      throw error
    } catch {
      try? fileManager.removeItem(at: temporary)
      throw .cannotWrite(path: directory.path, reason: (error as NSError).localizedDescription)
    }
  }
}
