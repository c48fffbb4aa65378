import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The text encodings a portfolio file may have.
public enum TextEncoding: String, CaseIterable, Sendable {
  case utf8 = "utf-8"
  case utf16LE = "utf-16le"
  case utf16BE = "utf-16be"
  /// GB18030, a superset of GBK and GB2312: what Excel writes on Chinese Windows.
  case gb18030

  /// Accepts common spellings: `UTF8`, `utf-16`, `GBK`, `gb2312`, `cp936`.
  public init?(name: String) {
    switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
    case "utf-8", "utf8": self = .utf8
    case "utf-16le", "utf16le", "utf-16", "utf16": self = .utf16LE
    case "utf-16be", "utf16be": self = .utf16BE
    case "gb18030", "gbk", "gb2312", "cp936", "936": self = .gb18030
    default: return nil
    }
  }

  var iconvName: String {
    switch self {
    case .utf8: return "UTF-8"
    case .utf16LE: return "UTF-16LE"
    case .utf16BE: return "UTF-16BE"
    case .gb18030: return "GB18030"
    }
  }
}

/// Turns a file's bytes, fed in chunks, into UTF-8.
///
/// Without a forced encoding it detects one: a byte-order mark decides; else
/// zero bytes in alternate positions mean UTF-16; else the first chunk with
/// bytes above 0x7F decides between UTF-8 (when they are valid UTF-8) and
/// GB18030. ASCII passes through unchanged while undecided, as both agree on
/// it. Bytes invalid in the encoding become U+FFFD, and `sawInvalidBytes` is
/// set, so that the rows holding them can be rejected with their line.
public final class TextDecoder {
  public private(set) var encoding: TextEncoding?
  public private(set) var hadByteOrderMark = false
  public private(set) var sawInvalidBytes = false
  private var pending: [UInt8] = []
  private var started = false
  private var converter: iconv_t?

  public init(forcing encoding: TextEncoding? = nil) { self.encoding = encoding }

  deinit {
    if let converter { iconv_close(converter) }
  }

  /// UTF-8 for `chunk`; `isLast` flushes what a multi-byte sequence left.
  public func decode(_ chunk: [UInt8], isLast: Bool) -> [UInt8] {
    var input = pending.isEmpty ? chunk : pending + chunk
    pending = []
    if !started {
      guard input.count >= 4 || isLast else {
        pending = input
        return []
      }
      started = true
      if input.starts(with: [0xEF, 0xBB, 0xBF]) {
        hadByteOrderMark = true
        encoding = encoding ?? .utf8
        input.removeFirst(3)
      } else if input.starts(with: [0xFF, 0xFE]) {
        hadByteOrderMark = true
        encoding = encoding ?? .utf16LE
        input.removeFirst(2)
      } else if input.starts(with: [0xFE, 0xFF]) {
        hadByteOrderMark = true
        encoding = encoding ?? .utf16BE
        input.removeFirst(2)
      } else if encoding == nil, let guess = Self.utf16Guess(input) {
        encoding = guess
      }
    }
    if encoding == nil {
      guard let firstHigh = input.firstIndex(where: { $0 >= 0x80 }) else {
        return input  // ASCII so far
      }
      // Decide on a fair sample: a few bytes of GB18030 can pass for UTF-8.
      let high = input[firstHigh...].lazy.filter { $0 >= 0x80 }.count
      // Memory stays bounded: decide anyway once 1 MiB waits.
      guard high >= Self.sampleSize || isLast || input.count - firstHigh >= 1 << 20 else {
        pending = Array(input[firstHigh...])
        return Array(input[..<firstHigh])
      }
      encoding = Self.utf8Share(input[firstHigh...]) >= 0.75 ? .utf8 : .gb18030
    }
    switch encoding {
    case .utf8?, nil: return utf8Passthrough(input, isLast: isLast)
    case let other?: return convert(input, from: other, isLast: isLast)
    }
  }

  /// UTF-8 is passed on as it is (the scanner rejects rows with invalid
  /// bytes); an incomplete sequence at a chunk's end waits for the next.
  private func utf8Passthrough(_ input: [UInt8], isLast: Bool) -> [UInt8] {
    guard !isLast else { return input }
    var cut = input.count
    var back = 0
    while back < 3 && cut > 0 && input[cut - 1] & 0xC0 == 0x80 {
      cut -= 1
      back += 1
    }
    if cut > 0 && input[cut - 1] >= 0xC0 {
      let lead = input[cut - 1]
      let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
      if back + 1 < length {
        pending = Array(input[(cut - 1)...])
        return Array(input[..<(cut - 1)])
      }
    }
    return input
  }

  private func convert(_ input: [UInt8], from encoding: TextEncoding, isLast: Bool) -> [UInt8] {
    if converter == nil {
      let handle = iconv_open("UTF-8", encoding.iconvName)
      guard handle != iconv_t(bitPattern: -1) else { return input }
      converter = handle
    }
    guard let converter else { return input }
    var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
    var produced = 0
    var consumed = 0
    let unit = encoding == .gb18030 ? 1 : 2
    input.withUnsafeBufferPointer { source in
      while consumed < input.count {
        var inLeft = input.count - consumed
        var outLeft = output.count - produced
        var inPointer = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + consumed })
          .map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
        let result = output.withUnsafeMutableBufferPointer { target -> Int in
          var outPointer = target.baseAddress.map {
            UnsafeMutableRawPointer($0 + produced).assumingMemoryBound(to: CChar.self)
          }
          return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
        }
        let used = (input.count - consumed) - inLeft
        consumed += used
        produced = output.count - outLeft
        if result != -1 { break }
        switch errno {
        case E2BIG:
          output += [UInt8](repeating: 0, count: output.count + 16)
        case EINVAL where !isLast:
          pending = Array(input[consumed...])
          consumed = input.count
        default:  // EILSEQ, or an incomplete sequence at the very end
          if output.count - produced < 3 { output += [UInt8](repeating: 0, count: 16) }
          output.replaceSubrange(produced..<(produced + 3), with: [0xEF, 0xBF, 0xBD])
          produced += 3
          consumed = min(input.count, consumed + unit)
          sawInvalidBytes = true
        }
      }
    }
    return Array(output[..<produced])
  }

  /// Non-ASCII bytes to see before choosing between UTF-8 and GB18030.
  static let sampleSize = 64

  /// UTF-16 without a byte-order mark: most ASCII characters have a zero high byte.
  static func utf16Guess(_ bytes: [UInt8]) -> TextEncoding? {
    let sample = bytes.prefix(512)
    guard sample.count >= 8 else { return nil }
    var evenZeros = 0
    var oddZeros = 0
    for (index, byte) in sample.enumerated() where byte == 0 {
      if index % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
    }
    let half = sample.count / 2
    if oddZeros > half * 6 / 10 && evenZeros < half / 10 { return .utf16LE }
    if evenZeros > half * 6 / 10 && oddZeros < half / 10 { return .utf16BE }
    return nil
  }

  /// The share of non-ASCII sequences in `bytes` that are valid UTF-8: near
  /// 1 for UTF-8 with a stray bad byte, near 0 for GB18030 text.
  static func utf8Share(_ bytes: ArraySlice<UInt8>) -> Double {
    var valid = 0
    var invalid = 0
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let lead = bytes[index]
      let length: Int
      switch lead {
      case 0x00...0x7F:
        index += 1
        continue
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default:
        invalid += 1
        index += 1
        continue
      }
      if index + length > bytes.endIndex { break }  // cut by the chunk's end
      if bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
        valid += 1
        index += length
      } else {
        invalid += 1
        index += 1
      }
    }
    return valid + invalid == 0 ? 1 : Double(valid) / Double(valid + invalid)
  }
}
