import Foundation

/// Texts numbered in the order first met, and each item's texts by number,
/// as `Numbering` numbers values: for the evidence, some 150,000 distinct
/// texts among a million holdings' 1.6 million segments.
///
/// The distinct texts lie end to end in one buffer, and the table keeps
/// each one's hash beside its number, so that a lookup reads a text's bytes
/// only where the hashes agree. A dictionary of arrays read the bytes of
/// every key its probe passed, each an array of its own out in memory.
struct TextNumbering {
  /// The distinct texts, end to end; text `n` is `bytes[starts[n]..<starts[n + 1]]`.
  private var bytes: [UInt8] = []
  private var starts: [Int] = [0]
  /// Each distinct text's hash.
  private var hashes: [Int] = []
  /// The lookup table, open addressed and at most half full.
  ///
  /// A slot holds a text's number plus one in its low 32 bits and the
  /// hash's high 32 bits above them (its low bits choose the slot); 0 is
  /// empty.
  private var table = [UInt64](repeating: 0, count: 1024)
  private var flat: [Int32] = []
  private var offsets: [Int32] = [0]

  init() {}

  /// How many distinct texts.
  var count: Int { hashes.count }

  /// The distinct text numbered `number`.
  func text(_ number: Int) -> ArraySlice<UInt8> { bytes[starts[number]..<starts[number + 1]] }

  /// Numbers `text`, the current item's next.
  mutating func add(_ text: UnsafeBufferPointer<UInt8>) {
    var hasher = Hasher()
    hasher.combine(bytes: UnsafeRawBufferPointer(text))
    // Numbered first: the lookup changes the numbering too.
    let number = number(of: text, hash: hasher.finalize())
    flat.append(number)
  }

  /// Ends the current item: the texts added since are its texts.
  mutating func endItem() { offsets.append(Int32(flat.count)) }

  /// The numbers of item `index`'s texts, in the order they were added.
  func of(_ index: Int) -> ArraySlice<Int32> {
    flat[Int(offsets[index])..<Int(offsets[index + 1])]
  }

  /// The numbering without its table and, unless `keepingTexts`, without
  /// the texts: the items' numbers stay.
  func sealed(keepingTexts: Bool = true) -> TextNumbering {
    var sealed = self
    sealed.table = []
    if !keepingTexts {
      sealed.bytes = []
      sealed.starts = [0]
      sealed.hashes = []
    }
    return sealed
  }

  /// One numbering of `parts`, numberings of consecutive ranges of the items.
  ///
  /// The first part's numbers stand; each later part's texts are looked up
  /// by the hash it kept, not hashed again.
  static func merged(_ parts: [TextNumbering]) -> TextNumbering {
    guard var whole = parts.first else { return TextNumbering() }
    if parts.count > 1 { whole.rebuildTable() }
    for part in parts.dropFirst() {
      var renumbered = [Int32](repeating: 0, count: part.count)
      part.bytes.withUnsafeBufferPointer { bytes in
        for number in 0..<part.count {
          let text = UnsafeBufferPointer(
            rebasing: bytes[part.starts[number]..<part.starts[number + 1]]
          )
          renumbered[number] = whole.number(of: text, hash: part.hashes[number])
        }
      }
      let base = Int32(whole.flat.count)
      whole.flat += part.flat.map { renumbered[Int($0)] }
      whole.offsets += part.offsets.dropFirst().map { base + $0 }
    }
    return whole
  }

  /// The number of `text`, whose hash is `hash`, numbering it when new.
  private mutating func number(of text: UnsafeBufferPointer<UInt8>, hash: Int) -> Int32 {
    let mark = Self.mark(hash)
    var slot = hash & (table.count - 1)
    while true {
      let held = table[slot]
      if held == 0 { break }
      if held & 0xFFFF_FFFF_0000_0000 == mark {
        let number = Int(held & 0xFFFF_FFFF) - 1
        if equal(text, number) { return Int32(number) }
      }
      slot = (slot + 1) & (table.count - 1)
    }
    let number = count
    bytes.append(contentsOf: text)
    starts.append(bytes.count)
    hashes.append(hash)
    table[slot] = mark | UInt64(number + 1)
    if 2 * count > table.count { rebuildTable(size: 2 * table.count) }
    return Int32(number)
  }

  private static func mark(_ hash: Int) -> UInt64 {
    UInt64(UInt(bitPattern: hash)) & 0xFFFF_FFFF_0000_0000
  }

  private func equal(_ text: UnsafeBufferPointer<UInt8>, _ number: Int) -> Bool {
    let start = starts[number]
    guard starts[number + 1] - start == text.count else { return false }
    return bytes.withUnsafeBufferPointer { bytes in
      guard let held = bytes.baseAddress, let given = text.baseAddress else { return true }
      return memcmp(held + start, given, text.count) == 0
    }
  }

  /// The table again, from the texts' hashes, `size` slots (a power of
  /// two) or the least that keeps it at most half full.
  private mutating func rebuildTable(size: Int = 1024) {
    var size = size
    while size < 2 * count { size *= 2 }
    table = [UInt64](repeating: 0, count: size)
    for (number, hash) in hashes.enumerated() {
      var slot = hash & (size - 1)
      while table[slot] != 0 { slot = (slot + 1) & (size - 1) }
      table[slot] = Self.mark(hash) | UInt64(number + 1)
    }
  }
}
