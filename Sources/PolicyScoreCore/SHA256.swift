import CSHA256

/// SHA-256 (FIPS 180-4).
///
/// Manifests carry hashes a user can check with `sha256sum`; Foundation on
/// Linux has no CryptoKit.
public struct SHA256 {
  // The state and the partial block held in the value, not in arrays: the
  // store fingerprints every holding's description, a hasher each.
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19
  )
  /// A partial block: its first `buffered` bytes.
  private var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )
  private var buffered = 0
  private var length: UInt64 = 0

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]

  /// Whether blocks go to the CPU's SHA extensions (`CSHA256`) rather than
  /// the portable code below.
  let accelerated: Bool
  private static let extensionsAvailable = csha256_available() != 0

  public init() { self.init(accelerated: SHA256.extensionsAvailable) }

  /// `accelerated: false` forces the portable code, for tests.
  init(accelerated: Bool) { self.accelerated = accelerated && SHA256.extensionsAvailable }

  public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    if let done = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
      return done
    }
    Array(bytes).withUnsafeBytes { update($0) }
  }

  /// Whole blocks straight from `bytes`; only a partial block is copied.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    length &+= UInt64(bytes.count)
    var index = 0
    if buffered > 0 {
      let take = min(64 - buffered, bytes.count)
      keep(UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
      index = take
      if buffered == 64 {
        let block = buffer
        withUnsafeBytes(of: block) { compress($0.baseAddress.unsafelyUnwrapped, blocks: 1) }
        buffered = 0
      }
    }
    let blocks = (bytes.count - index) / 64
    if blocks > 0, let base = bytes.baseAddress {
      compress(base + index, blocks: blocks)
      index += blocks * 64
    }
    if index < bytes.count { keep(UnsafeRawBufferPointer(rebasing: bytes[index...])) }
  }

  /// Adds `bytes`, which fit, to the partial block.
  private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
    let start = buffered
    withUnsafeMutableBytes(of: &buffer) { block in
      UnsafeMutableRawBufferPointer(rebasing: block[start..<(start + bytes.count)])
        .copyMemory(from: bytes)
    }
    buffered += bytes.count
  }

  /// The digest as 64 lower-case hex characters.
  public mutating func finalizeHex() -> String {
    let bitLength = length &* 8
    // The last one or two blocks: the partial block, 0x80, zeros, the length.
    let blocks = buffered < 56 ? 1 : 2
    let (block, count) = (buffer, buffered)
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
      tail.initialize(repeating: 0)
      withUnsafeBytes(of: block) { _ = tail.update(fromContentsOf: $0[..<count]) }
      tail[count] = 0x80
      for index in 0..<8 {
        tail[blocks * 64 - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * index))
      }
      compress(UnsafeRawPointer(tail.baseAddress.unsafelyUnwrapped), blocks: blocks)
    }
    buffered = 0
    let words = state
    return String(unsafeUninitializedCapacity: 64) { out in
      let digits: StaticString = "0123456789abcdef"
      for index in 0..<8 {
        let word = withUnsafeBytes(of: words) {
          $0.load(fromByteOffset: 4 * index, as: UInt32.self)
        }
        for nibble in 0..<8 {
          let value = Int((word >> UInt32(28 - 4 * nibble)) & 0xf)
          out[8 * index + nibble] = digits.utf8Start[value]
        }
      }
      return 64
    }
  }

  public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String
  where Bytes.Element == UInt8 {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalizeHex()
  }

  /// Keys for `count` texts (`text(i)`, as UTF-8): `prefix` and the first
  /// 10 hex digits of each text's SHA-256, so that a text has the same key
  /// in every run and wherever it is met again.
  ///
  /// Two different texts whose first 10 digits coincide (among 150,000
  /// texts, about one list in a hundred has such a pair) both take 16, by
  /// which texts are told apart: no key of a list names two texts.
  package static func keys(_ prefix: String, count: Int, text: (Int) -> [UInt8]) -> [String] {
    let heads = Parallel.map(count) { UInt64(hex(of: text($0)).prefix(16), radix: 16) ?? 0 }
    // The first 10 digits are the first 40 bits.
    var firstHead: [UInt64: UInt64] = [:]
    firstHead.reserveCapacity(count)
    var clashing: Set<UInt64> = []
    for head in heads {
      if let seen = firstHead[head >> 24] {
        if seen != head { clashing.insert(head >> 24) }
      } else {
        firstHead[head >> 24] = head
      }
    }
    return Parallel.map(heads.count) { index in
      let head = heads[index]
      let digits = String(head, radix: 16)
      let padded = String(repeating: "0", count: 16 - digits.count) + digits
      return prefix + padded.prefix(clashing.contains(head >> 24) ? 16 : 10)
    }
  }

  /// The compression function over `blocks` consecutive 64-byte blocks.
  private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
    if accelerated {
      withUnsafeMutableBytes(of: &state) { state in
        csha256_compress(
          state.baseAddress?.assumingMemoryBound(to: UInt32.self),
          data.assumingMemoryBound(to: UInt8.self),
          blocks
        )
      }
      return
    }
    var (h0, h1, h2, h3, h4, h5, h6, h7) = state
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      SHA256.k.withUnsafeBufferPointer { k in
        for block in 0..<blocks {
          let bytes = data + block * 64
          for i in 0..<16 {
            w[i] = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
          }
          for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
          }
          var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
          for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            (h, g, f, e) = (g, f, e, d &+ t1)
            (d, c, b, a) = (c, b, a, t1 &+ s0 &+ maj)
          }
          h0 &+= a
          h1 &+= b
          h2 &+= c
          h3 &+= d
          h4 &+= e
          h5 &+= f
          h6 &+= g
          h7 &+= h
        }
      }
    }
    state = (h0, h1, h2, h3, h4, h5, h6, h7)
  }

  @inline(__always)
  private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
