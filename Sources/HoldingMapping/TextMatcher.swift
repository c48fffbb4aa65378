import PolicyModel
import PolicyScoreCore
import PortfolioImport

/// Finds every lexicon term in a text in one pass: an Aho–Corasick automaton
/// over UTF-8 bytes and byte classes, with ASCII case folded; its shallow
/// states in a dense table, its deep ones by their own edges and failure
/// links, so that the whole fits in a core's cache.
///
/// An ASCII term must start at a word boundary (the byte before it is not an
/// ASCII letter or digit); a term of at most 4 bytes must also end at one, so
/// that `CT` does not match inside `product`. Chinese terms match anywhere.
public struct TextMatcher: Sendable {
  /// What a matched term means for one segment.
  public struct Role: Sendable, Hashable {
    public var segment: Int
    public var weight: Double
    public var isNegative: Bool
    /// Whether where it occurs can make the segment the text's lead.
    public var leads = true
  }

  /// A distinct term and the roles it plays.
  public struct Pattern: Sendable {
    public var text: String
    public var length: Int
    public var needsStartBoundary: Bool
    public var needsEndBoundary: Bool
    public var roles: [Role]
    /// What the word does to the terms around it, when it is a marker.
    public var marker: Marker?

    /// A side marker's pattern: matches from its end to the clause's end are
    /// dropped.
    public var opensSideClause: Bool { marker == .side }
  }

  /// Words that say how to read the terms around them rather than naming a
  /// segment.
  ///
  /// A marker is never a term itself.
  public enum Marker: Sendable, Hashable {
    /// Opens a side clause (`另有`, `在研`, `替代`): the rest of the clause
    /// names no business of the company.
    case side
    /// Names who buys (`销往`, `客户为`, `sold to`): in the rest of the clause,
    /// a service or a distribution channel is a customer, not the business.
    case customer
    /// Negates the term right after it (`无`汞, `非`PVC).
    case negatesNext
    /// Negates the term right before it (mercury`-free`).
    case negatesPrevious
    /// Holds a longer word that contains a term (`运动保护` holds `动保`), so
    /// that the term inside it does not count; it names nothing itself.
    case word
  }

  public let patterns: [Pattern]
  /// Every pattern's roles end to end, `roles[roleStart[p]..<roleStart[p+1]]`,
  /// and its marker: read per match without copying a pattern, whose
  /// text and roles each cost a reference count.
  let roles: [Role]
  let roleStart: [Int32]
  private let patternMarkers: [Marker?]
  /// Each byte's class: the bytes no term holds share class 0, and an ASCII
  /// capital has its small letter's class.
  private let classes: [UInt16]
  /// The number of byte classes: the length of a row of `dense`.
  private let width: Int
  /// The next states of the shallow states, where a text mostly is.
  ///
  /// The states are numbered breadth first; as many of the first ones as
  /// fit in 128 KB have a full row, `dense[state * width + class]`. Each
  /// next state is complemented where patterns end.
  ///
  /// A full row for every state took about 4.7 MB, more than a core's cache, and
  /// each byte of text waited for memory.
  private let dense: [Int32]
  /// How many states have a row of `dense`.
  private let denseCount: Int
  /// Each deeper state's own edges, by its number less `denseCount`; from
  /// one, a byte it has no edge for is read again from its failure state.
  private let deep: [Deep]
  /// The edges of `deep` after each one's first: the class of each, and its
  /// next state as in `dense`.
  private let edgeClasses: [UInt16]
  private let edgeTargets: [Int32]
  /// Pattern indices ending at each state: `outputs[outputStart[s]..<outputStart[s+1]]`.
  private let outputStart: [Int32]
  private let outputs: [Int32]
  /// Each pattern's byte length and boundary needs (1: start, 2: end), for
  /// the matching loop.
  private let shapes: [(length: Int, boundaries: UInt8)]

  /// A state without a dense row, in 16 bytes: its first edge, which most
  /// such states have alone; the rest in `edgeClasses` and `edgeTargets`;
  /// and the state that reads a byte it has no edge for.
  private struct Deep {
    var firstClass: UInt16
    var edgeCount: UInt16
    var firstTarget: Int32
    var moreEdges: Int32
    var failure: Int32
  }

  /// Compiles the terms and the markers.
  ///
  /// `terms[i]` lists (text, role) pairs. A marker that is also a term stays
  /// a marker.
  public init(
    terms: [(text: String, role: Role)],
    sideMarkers: [String] = [],
    markers: [(text: String, marker: Marker)] = []
  ) {
    var index: [[UInt8]: Int] = [:]
    var patterns: [Pattern] = []
    // A marker has no role.
    let entries =
      sideMarkers.map { (text: $0, role: Role?.none, marker: Marker?.some(.side)) }
      + markers.map { ($0.text, Role?.none, Marker?.some($0.marker)) }
      + terms.map { ($0.text, $0.role, Marker?.none) }
    for (text, role, marker) in entries {
      let bytes = TextMatcher.fold(Array(text.utf8))
      guard !bytes.isEmpty else { continue }
      if let existing = index[bytes] {
        // A term is a word too: it holds the terms inside it.
        if role != nil && patterns[existing].marker == .word { patterns[existing].marker = nil }
        if let role, patterns[existing].marker == nil, !patterns[existing].roles.contains(role) {
          patterns[existing].roles.append(role)
        }
        continue
      }
      index[bytes] = patterns.count
      patterns.append(
        Pattern(
          text: text,
          length: bytes.count,
          needsStartBoundary: TextMatcher.isWordByte(bytes[0]),
          needsEndBoundary: bytes.count <= 4 && TextMatcher.isWordByte(bytes[bytes.count - 1]),
          roles: role.map { [$0] } ?? [],
          marker: marker
        )
      )
    }
    // Byte classes: one per byte the terms hold, 0 for all others.
    let ordered = index.sorted { $0.value < $1.value }.map(\.key)
    var classes = [UInt16](repeating: 0, count: 256)
    var width = 1
    for bytes in ordered {
      for byte in bytes where classes[Int(byte)] == 0 {
        classes[Int(byte)] = UInt16(width)
        width += 1
      }
    }
    for capital in 0x41...0x5A { classes[capital] = classes[capital | 0x20] }
    // The trie, its edges found by state and class while the terms are added.
    var trie: [Int: Int32] = [:]
    trie.reserveCapacity(ordered.reduce(0) { $0 + $1.count })
    var own: [[Int32]] = [[]]
    for (patternIndex, bytes) in ordered.enumerated() {
      var state = 0
      for byte in bytes {
        let key = state * width + Int(classes[Int(byte)])
        if let next = trie[key] {
          state = Int(next)
        } else {
          trie[key] = Int32(own.count)
          state = own.count
          own.append([])
        }
      }
      own[state].append(Int32(patternIndex))
    }
    // Each state's own edges end to end, in class order.
    let stateCount = own.count
    var edgeStart = [Int](repeating: 0, count: stateCount + 1)
    for key in trie.keys { edgeStart[key / width + 1] += 1 }
    for state in 0..<stateCount { edgeStart[state + 1] += edgeStart[state] }
    var edges = [(symbol: UInt16, next: Int32)](repeating: (0, 0), count: trie.count)
    var cursor = edgeStart
    for (key, next) in trie {
      edges[cursor[key / width]] = (UInt16(key % width), next)
      cursor[key / width] += 1
    }
    for state in 0..<stateCount where edgeStart[state + 1] - edgeStart[state] > 1 {
      edges[edgeStart[state]..<edgeStart[state + 1]].sort { $0.symbol < $1.symbol }
    }
    // Breadth first: failure links, merged outputs, and a full row of next
    // states for as many of the first states as fit in 128 KB. A failure
    // link leads to a shallower state, so its row is made first. A full row
    // for every state took about 5 MB and most of the matcher's making.
    let denseCount = min(stateCount, max(1, 128 * 1024 / MemoryLayout<Int32>.stride / width))
    var rows = [Int32](repeating: 0, count: denseCount * width)
    var failure = [Int32](repeating: 0, count: stateCount)
    var number = [Int32](repeating: 0, count: stateCount)
    var merged = own
    var queue = [0]
    queue.reserveCapacity(stateCount)
    var head = 0
    while head < queue.count {
      let (state, place) = (queue[head], head)
      head += 1
      let stateEdges = edges[edgeStart[state]..<edgeStart[state + 1]]
      if state != 0 { merged[state] += merged[Int(failure[state])] }
      if place < denseCount {
        let row = place * width
        if state != 0 {
          let failed = Int(number[Int(failure[state])]) * width
          for symbol in 0..<width { rows[row + symbol] = rows[failed + symbol] }
        }
        for edge in stateEdges { rows[row + Int(edge.symbol)] = edge.next }
      }
      for edge in stateEdges {
        let child = Int(edge.next)
        // Where the parent's failure state goes on the same class: its row,
        // else its own edge, else its failure's, and so on.
        var from = state == 0 ? -1 : Int(failure[state])
        while from >= 0 {
          if Int(number[from]) < denseCount {
            failure[child] = rows[Int(number[from]) * width + Int(edge.symbol)]
            break
          }
          if let found = edges[edgeStart[from]..<edgeStart[from + 1]].first(where: {
            $0.symbol == edge.symbol
          }) {
            failure[child] = found.next
            break
          }
          from = Int(failure[from])
        }
        number[child] = Int32(queue.count)
        queue.append(child)
      }
    }
    // Numbered breadth first (the queue's order), complemented where
    // patterns end, so that the matching loop makes one sign test per byte.
    func coded(_ state: Int32) -> Int32 {
      merged[Int(state)].isEmpty ? number[Int(state)] : ~number[Int(state)]
    }
    let dense = rows.map(coded)
    var deep: [Deep] = []
    deep.reserveCapacity(stateCount - denseCount)
    var edgeClasses: [UInt16] = []
    var edgeTargets: [Int32] = []
    for state in queue.dropFirst(denseCount) {
      let stateEdges = edges[edgeStart[state]..<edgeStart[state + 1]]
      deep.append(
        Deep(
          firstClass: stateEdges.first?.symbol ?? 0,
          edgeCount: UInt16(stateEdges.count),
          firstTarget: stateEdges.first.map { coded($0.next) } ?? 0,
          moreEdges: Int32(edgeClasses.count),
          failure: number[Int(failure[state])]
        )
      )
      for edge in stateEdges.dropFirst() {
        edgeClasses.append(edge.symbol)
        edgeTargets.append(coded(edge.next))
      }
    }
    var starts: [Int32] = [0]
    var flat: [Int32] = []
    for state in queue {
      flat += merged[state]
      starts.append(Int32(flat.count))
    }
    self.classes = classes
    self.width = width
    self.patterns = patterns
    roles = patterns.flatMap(\.roles)
    roleStart = patterns.reduce(into: [0]) { $0.append($0[$0.count - 1] + Int32($1.roles.count)) }
    patternMarkers = patterns.map(\.marker)
    self.dense = dense
    self.denseCount = denseCount
    self.deep = deep
    self.edgeClasses = edgeClasses
    self.edgeTargets = edgeTargets
    self.outputStart = starts
    self.outputs = flat
    self.shapes = patterns.map {
      ($0.length, ($0.needsStartBoundary ? 1 : 0) | ($0.needsEndBoundary ? 2 : 0))
    }
  }

  /// A pattern found in a text, and the byte offset where it first begins.
  public struct Match: Sendable, Hashable {
    public var pattern: Int
    public var first: Int
    /// The side marker (a pattern index) whose clause holds the match.
    ///
    /// Nil in the main text; a match in a side clause does not count.
    public var sideMarker: Int?
    /// The customer marker (a pattern index) whose clause holds the match.
    public var customerMarker: Int?
  }

  /// The distinct patterns found in `text`, in pattern order, each where the
  /// main text first names it, else where a side clause does.
  ///
  /// A match that lies inside a longer match is dropped, so the specific term
  /// wins over the generic word it contains: in "surgical robot" only
  /// `surgical robot` counts, not `surgical`.
  public func matches(in text: String) -> [Match] {
    var text = text
    return text.withUTF8 { matches(in: $0) }
  }

  /// `matches(in:)` over UTF-8 bytes.
  public func matches(in bytes: UnsafeBufferPointer<UInt8>) -> [Match] {
    var spans = spans(in: bytes)
    // Markers say how to read the terms; they are not terms. A `word`
    // marker stays, to hold the terms inside it.
    var side: [(marker: Int, clause: Range<Int>)] = []
    var customer: [(marker: Int, clause: Range<Int>)] = []
    var negatedFrom: Set<Int> = []
    var negatedTo: Set<Int> = []
    for span in spans {
      switch patternMarkers[span.pattern] {
      case .side?:
        side.append((span.pattern, span.end..<TextMatcher.clauseEnd(bytes, from: span.end)))
      case .customer?:
        customer.append((span.pattern, span.end..<TextMatcher.clauseEnd(bytes, from: span.end)))
      case .negatesNext?: negatedFrom.insert(span.end)
      case .negatesPrevious?: negatedTo.insert(span.begin)
      case .word?, nil: break
      }
    }
    spans.removeAll {
      guard let marker = patternMarkers[$0.pattern] else { return false }
      return marker != .word
    }
    var found: [Match] = []
    found.reserveCapacity(spans.count)
    for span in spans {
      let inside = spans.contains {
        $0.begin <= span.begin && $0.end >= span.end
          && ($0.end - $0.begin) > (span.end - span.begin)
      }
      guard !inside, patternMarkers[span.pattern] == nil,
        !negatedFrom.contains(span.begin), !negatedTo.contains(span.end)
      else { continue }
      found.append(
        Match(
          pattern: span.pattern,
          first: span.begin,
          sideMarker: side.first { $0.clause.contains(span.begin) }?.marker,
          customerMarker: customer.first { $0.clause.contains(span.begin) }?.marker
        )
      )
    }
    // By pattern, the main text's occurrences first, the first first; then one
    // per pattern, so a term the main text names is never a side one.
    found.sort {
      ($0.pattern, $0.sideMarker == nil ? 0 : 1, $0.customerMarker == nil ? 0 : 1, $0.first)
        < ($1.pattern, $1.sideMarker == nil ? 0 : 1, $1.customerMarker == nil ? 0 : 1, $1.first)
    }
    var unique = 0
    for index in found.indices where index == 0 || found[index].pattern != found[index - 1].pattern
    {
      found[unique] = found[index]
      unique += 1
    }
    found.removeLast(found.count - unique)
    return found
  }

  /// Every occurrence of every pattern in `bytes` that keeps its boundaries,
  /// in the order they end: its pattern and its bytes' range.
  func spans(in bytes: UnsafeBufferPointer<UInt8>) -> [(pattern: Int, begin: Int, end: Int)] {
    // Room for a text's usual matches at once, not grown match by match.
    var spans: [(pattern: Int, begin: Int, end: Int)] = []
    spans.reserveCapacity(16)
    classes.withUnsafeBufferPointer { classes in
      dense.withUnsafeBufferPointer { dense in
        deep.withUnsafeBufferPointer { deep in
          edgeClasses.withUnsafeBufferPointer { edgeClasses in
            edgeTargets.withUnsafeBufferPointer { edgeTargets in
              var state = 0
              for position in bytes.indices {
                let symbol = classes[Int(bytes[position])]
                var from = state
                var next: Int32 = 0
                // A deep state's own edges, else its failure's, until a
                // state with a dense row, which has every edge.
                while from >= denseCount {
                  let node = deep[from &- denseCount]
                  if node.firstClass == symbol && node.edgeCount > 0 {
                    next = node.firstTarget
                    break
                  }
                  var edge = Int(node.moreEdges)
                  let last = edge &+ Int(node.edgeCount) &- 1
                  while edge < last && edgeClasses[edge] != symbol { edge &+= 1 }
                  if edge < last {
                    next = edgeTargets[edge]
                    break
                  }
                  from = Int(node.failure)
                }
                if from < denseCount { next = dense[from &* width &+ Int(symbol)] }
                if next >= 0 {
                  state = Int(next)
                  continue
                }
                state = Int(~next)
                for slot in Int(outputStart[state])..<Int(outputStart[state &+ 1]) {
                  let patternIndex = Int(outputs[slot])
                  let (length, boundaries) = shapes[patternIndex]
                  let begin = position + 1 - length
                  if boundaries & 1 != 0 && begin > 0 && TextMatcher.isWordByte(bytes[begin - 1]) {
                    continue
                  }
                  if boundaries & 2 != 0 && position + 1 < bytes.count
                    && TextMatcher.isWordByte(bytes[position + 1])
                  {
                    continue
                  }
                  spans.append((patternIndex, begin, position + 1))
                }
              }
            }
          }
        }
      }
    }
    return spans
  }

  /// Where the clause that goes on at `start` ends: at the next comma,
  /// semicolon, full stop or line break, full-width or not, or the text's end.
  static func clauseEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var index = start
    while index < bytes.count {
      switch bytes[index] {
      case 0x2C, 0x3B, 0x0A, 0x2E: return index
      case 0xE3
      where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x82:
        return index  // 。
      case 0xEF
      where index + 2 < bytes.count && bytes[index + 1] == 0xBC
        && (bytes[index + 2] == 0x8C || bytes[index + 2] == 0x9B):
        return index  // ， ；
      default: index += 1
      }
    }
    return index
  }

  private static let foldTable: [UInt8] = (0...255).map { byte in
    (0x41...0x5A).contains(byte) ? UInt8(byte + 0x20) : UInt8(byte)
  }

  static func fold(_ bytes: [UInt8]) -> [UInt8] { bytes.map { foldTable[Int($0)] } }

  static func isWordByte(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
  }
}
