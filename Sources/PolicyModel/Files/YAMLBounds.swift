import PolicyScoreCore
import Yams

/// The bounds a YAML file from outside must keep: a size, no key built from
/// an alias or a collection, and a limit on what aliases expand to.
///
/// An alias shares its node, so a few hundred bytes of nested aliases stand
/// for billions of nodes ("billion laughs"). Used as a value, that costs
/// nothing until the tree is walked, and `expandedNodes` counts it without
/// walking it. Used as a key, the parser hashes the whole expansion to find
/// duplicate keys, so such keys are refused before parsing, from the text.
enum YAMLBounds {
  /// The largest file read: ten times the largest shipped model file.
  static let maxBytes = 16 << 20
  /// The most nodes a document may stand for, aliases expanded.
  static let maxNodes = 1_000_000

  /// The first key that is an alias, a list or a mapping, or is given with
  /// `?`: its 1-based line and column and what it is.
  ///
  /// A light scan of the text: quoted scalars, comments and block scalars
  /// are skipped, and only the start of a node is looked at.
  static func complexKey(in text: String) -> (line: Int, column: Int, what: String)? {
    var text = text
    return text.withUTF8(complexKey)
  }

  /// `complexKey(in:)` over the text's UTF-8, each line read in place.
  private static func complexKey(
    in bytes: UnsafeBufferPointer<UInt8>
  ) -> (line: Int, column: Int, what: String)? {
    var quote: UInt8?
    var blockIndent: Int?
    var lineStart = 0
    var number = -1
    while lineStart <= bytes.count {
      number += 1
      let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
      let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
      lineStart = lineEnd + 1
      let indent = line.prefix { $0 == 0x20 }.count
      if let parent = blockIndent {
        let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if blank || indent > parent { continue }
        blockIndent = nil
      }
      var index = indent
      var nodeStart = quote == nil
      while index < line.count {
        let byte = line[index]
        if let open = quote {
          if open == 0x22 && byte == 0x5C {
            index += 2
            continue
          }
          if byte == open {
            if open == 0x27 && index + 1 < line.count && line[index + 1] == 0x27 {
              index += 2
              continue
            }
            quote = nil
          }
          index += 1
          continue
        }
        let next = index + 1 < line.count ? line[index + 1] : 0x20
        let spaceNext = next == 0x20 || next == 0x09 || next == 0x0D
        switch byte {
        case 0x20, 0x09, 0x0D:
          index += 1
          continue
        case 0x23 where index == 0 || line[index - 1] == 0x20 || line[index - 1] == 0x09:
          index = line.count  // a comment
          continue
        default: break
        }
        let location = (line: number + 1, column: index + 1)
        if nodeStart {
          switch byte {
          case 0x22, 0x27:
            quote = byte
            nodeStart = false
          case 0x3F where spaceNext:
            return (location.line, location.column, "a key given with '?'")
          case 0x2A:
            let end = anchorEnd(line, from: index + 1)
            if isKey(line, after: end) { return (location.line, location.column, "an alias") }
            index = end
            nodeStart = false
            continue
          case 0x26:  // an anchor: the node follows
            index = anchorEnd(line, from: index + 1)
            continue
          case 0x21:  // a tag: the node follows
            index = nameEnd(line, from: index + 1)
            continue
          case 0x2D where spaceNext:
            break  // a list item: a node follows
          case 0x5B, 0x7B:
            if let close = closingBracket(line, from: index), isKey(line, after: close + 1) {
              return (location.line, location.column, "a list or mapping")
            }
          case 0x7C, 0x3E:
            blockIndent = indent
            index = line.count
            continue
          case 0x5D, 0x7D:
            nodeStart = false
          case 0x2C:
            break
          default:
            nodeStart = false
          }
        } else if byte == 0x3A && (spaceNext || "[]{},".utf8.contains(next)) {
          nodeStart = true
        } else if byte == 0x2C || byte == 0x5B || byte == 0x7B {
          nodeStart = true
        }
        index += 1
      }
    }
    return nil
  }

  /// The end of an anchor or alias name that starts at `start`: letters,
  /// digits, `-` and `_`, as libyaml reads them.
  private static func anchorEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var index = start
    while index < line.count {
      let byte = line[index] | 0x20
      guard
        (byte >= 0x61 && byte <= 0x7A) || (line[index] >= 0x30 && line[index] <= 0x39)
          || line[index] == 0x2D || line[index] == 0x5F
      else { break }
      index += 1
    }
    return index
  }

  /// The end of a tag that starts at `start`.
  private static func nameEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var index = start
    while index < line.count, !" \t\r,[]{}".utf8.contains(line[index]) { index += 1 }
    return index
  }

  /// Whether a `:` that starts a value follows `index`, after spaces.
  private static func isKey(_ line: UnsafeBufferPointer<UInt8>, after index: Int) -> Bool {
    var index = index
    while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
    guard index < line.count, line[index] == 0x3A else { return false }
    let next = index + 1 < line.count ? line[index + 1] : 0x20
    return next == 0x20 || next == 0x09 || next == 0x0D || "[]{},".utf8.contains(next)
  }

  /// The index of the bracket that closes the one at `start`, on this line.
  private static func closingBracket(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    var depth = 0
    var quote: UInt8?
    var index = start
    while index < line.count {
      let byte = line[index]
      if let open = quote {
        if open == 0x22 && byte == 0x5C {
          index += 1
        } else if byte == open {
          quote = nil
        }
      } else if byte == 0x22 || byte == 0x27 {
        quote = byte
      } else if byte == 0x5B || byte == 0x7B {
        depth += 1
      } else if byte == 0x5D || byte == 0x7D {
        depth -= 1
        if depth == 0 { return index }
      }
      index += 1
    }
    return nil
  }

  /// Where the first node that stands for more than `maxNodes` nodes, aliases
  /// expanded, starts; nil when the document keeps the limit.
  ///
  /// Each anchored node is counted once, so the count takes time in
  /// proportion to the text, not to the expansion.
  static func overExpanded(_ node: Node) -> Mark? {
    var sizes: [String: Int] = [:]
    var culprit: Mark?
    func count(_ node: Node) -> Int {
      let key = node.anchor.map {
        "\($0.rawValue)@\(node.mark?.line ?? 0):\(node.mark?.column ?? 0)"
      }
      if let key, let known = sizes[key] { return known }
      var total = 1
      switch node {
      case .mapping(let mapping):
        for (key, value) in mapping where total <= maxNodes {
          total += count(key) + count(value)
        }
      case .sequence(let sequence):
        for element in sequence where total <= maxNodes { total += count(element) }
      case .scalar, .alias:
        break
      }
      if total > maxNodes && culprit == nil { culprit = node.mark }
      total = min(total, maxNodes + 1)
      if let key { sizes[key] = total }
      return total
    }
    _ = count(node)
    return culprit
  }
}
