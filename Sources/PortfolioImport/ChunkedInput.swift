import Foundation
import PolicyScoreCore

/// File chunks through the decoder, hashing the raw bytes on the way.
final class ChunkedInput {
  let next: () -> [UInt8]
  let decoder: TextDecoder
  private let hasher = BackgroundHasher()
  private var finished = false
  /// The raw file's SHA-256, once every chunk has been read.
  var hash: String { hasher.finish() }

  init(next: @escaping () -> [UInt8], decoder: TextDecoder) {
    self.next = next
    self.decoder = decoder
  }

  /// The next chunk of UTF-8, or nil when the file is done.
  func nextChunk() -> [UInt8]? {
    while !finished {
      let raw = next()
      hasher.add(raw)
      if raw.isEmpty {
        finished = true
        return decoder.decode([], isLast: true)
      }
      let decoded = decoder.decode(raw, isLast: false)
      if !decoded.isEmpty { return decoded }
    }
    return nil
  }
}

/// Hashes chunks on another thread, so that the hash overlaps the parse.
final class BackgroundHasher: @unchecked Sendable {
  // Touched only on `queue`.
  private var hasher = SHA256()
  private var digest: String?
  private let queue = DispatchQueue(label: "policyscore.input-hash")

  func add(_ chunk: [UInt8]) {
    queue.async { self.hasher.update(chunk) }
  }

  func finish() -> String {
    queue.sync {
      if let digest { return digest }
      let value = hasher.finalizeHex()
      digest = value
      return value
    }
  }
}
