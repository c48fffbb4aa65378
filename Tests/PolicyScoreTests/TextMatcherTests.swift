import Foundation
import Testing

@testable import HoldingMapping
@testable import ScenarioAnalysis

@Suite struct TextMatcherTests {
  /// The shipped lexicon's automaton, markers and all.
  let matcher = Mapper(model: shippedModel).matcher
  /// Each pattern's bytes, folded as the automaton folds them.
  let terms: [[UInt8]]

  init() { terms = matcher.patterns.map { TextMatcher.fold(Array($0.text.utf8)) } }

  /// Where each pattern occurs in `text`, found by comparing it at every
  /// byte, with the automaton's rules: ASCII case folded, a word boundary
  /// before an ASCII term and after a short one.
  func plainSearch(_ text: String) -> Set<String> {
    let bytes = TextMatcher.fold(Array(text.utf8))
    var found: Set<String> = []
    for (index, pattern) in matcher.patterns.enumerated() {
      let term = terms[index]
      guard term.count <= bytes.count else { continue }
      for begin in 0...(bytes.count - term.count)
      where bytes[begin..<(begin + term.count)].elementsEqual(term) {
        let end = begin + term.count
        if pattern.needsStartBoundary && begin > 0 && TextMatcher.isWordByte(bytes[begin - 1]) {
          continue
        }
        if pattern.needsEndBoundary && end < bytes.count && TextMatcher.isWordByte(bytes[end]) {
          continue
        }
        found.insert("\(index):\(begin)-\(end)")
      }
    }
    return found
  }

  func automaton(_ text: String) -> Set<String> {
    var text = text
    return text.withUTF8 { bytes in
      Set(matcher.spans(in: bytes).map { "\($0.pattern):\($0.begin)-\($0.end)" })
    }
  }

  /// Texts of whole terms, their beginnings (which lead the automaton deep
  /// and then fail), terms in capitals, and filler, run together.
  @Test func theAutomatonFindsWhatAPlainSearchFinds() {
    let texts = matcher.patterns.map(\.text)
    let filler = ["，", " ", "a", "公司", "x1", "、", "-", "医"]
    var generator = SplitMix64(seed: 23)
    var checked = 0
    for _ in 0..<1000 {
      var text = ""
      for _ in 0..<Int.random(in: 1...8, using: &generator) {
        let term = texts.randomElement(using: &generator) ?? ""
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: text += term
        case 1:
          text += String(term.prefix(Int.random(in: 1...max(1, term.count), using: &generator)))
        case 2: text += term.uppercased()
        default: text += filler.randomElement(using: &generator) ?? ""
        }
      }
      let expected = plainSearch(text)
      #expect(automaton(text) == expected, "\(text)")
      checked += expected.count
    }
    // The texts name terms: the comparison is not of empty sets.
    #expect(checked > 1500)
  }

  @Test func aTermInsideALongerOneIsFoundAtBothPlaces() throws {
    let surgical = try #require(matcher.patterns.firstIndex { $0.text == "手术机器人" })
    let spans = automaton("腔镜手术机器人系统")
    #expect(spans.contains("\(surgical):6-21"))
  }
}
