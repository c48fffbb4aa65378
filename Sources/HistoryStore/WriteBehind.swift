import Foundation
import Synchronization

/// Writes the files SQLite is growing to disk while they grow, on a thread
/// of its own.
///
/// A run of a million holdings writes about 420 MB to the store's WAL in
/// one transaction, and the commit's checkpoint copies it into the
/// database. The kernel kept each in memory until its `fdatasync`: the
/// WAL's waited about 0.7 s for the disk at the commit, and the
/// database's 0.5 s after the copy, both cores idle. Each `fdatasync` here
/// writes what has come since the last one, so that SQLite's find little
/// left.
///
/// Neither file is opened for writing or created here, and no descriptor
/// that SQLite may hold a lock through is closed: the WAL, on which SQLite
/// takes no lock, is opened read-only; the database is synced through a
/// descriptor SQLite opened, found in `/proc/self/fd` by its inode.
final class WriteBehind: Sendable {
  private let stopped = Atomic(false)
  private let wake = DispatchSemaphore(value: 0)
  private let done = DispatchSemaphore(value: 0)

  /// Starts writing the database at `path` and its WAL behind.
  init(database path: String) {
    Thread.detachNewThread { [self] in
      let database = Self.openDescriptor(of: path)
      var wal: Int32 = -1
      while !stopped.load(ordering: .relaxed) {
        if wal < 0 { wal = open(path + "-wal", O_RDONLY | O_CLOEXEC) }
        if wal >= 0 { _ = fdatasync(wal) }
        if let database { _ = fdatasync(database) }
        _ = wake.wait(timeout: .now() + .milliseconds(100))
      }
      if wal >= 0 { close(wal) }
      done.signal()
    }
  }

  /// Stops, once the `fdatasync` under way is done.
  func finish() {
    stopped.store(true, ordering: .relaxed)
    wake.signal()
    done.wait()
  }

  /// A descriptor this process has open on the file at `path`, or nil.
  private static func openDescriptor(of path: String) -> Int32? {
    var file = stat()
    guard stat(path, &file) == 0,
      let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
    else { return nil }
    for name in descriptors {
      var other = stat()
      guard let descriptor = Int32(name), fstat(descriptor, &other) == 0 else { continue }
      if other.st_dev == file.st_dev && other.st_ino == file.st_ino { return descriptor }
    }
    return nil
  }
}
