import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// Deterministic synthetic portfolios: descriptions mixed from the model's own
/// keywords (Chinese and English) and noise, industry codes, several
/// portfolios, and about 1% malformed rows.
struct PortfolioGenerator {
  let model: ModelBundle
  let seed: UInt64

  static let noise = [
    "公司", "主要从事", "研发、生产和销售", "产品", "业务", "覆盖全国", "the company", "develops",
    "manufactures and sells", "products", "worldwide", "leading", "和", "及", "for hospitals",
    "客户", "市场", "服务", "solutions", "platform",
  ]

  /// `ticker(row)` names each row's company; by default a code of no
  /// exchange (see below).
  func csv(rows: Int, portfolios: Int = 4, ticker: ((Int) -> String)? = nil) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    let terms = model.segmentIDs.flatMap { id in
      (model.lexicon.entries[id]?.terms ?? []).map(\.text)
    }
    let codes = model.codes.values.map(\.key).sorted().map {
      $0.hasPrefix("gbt4754:") ? "GB:" + $0.dropFirst(8) : "SW:" + $0.dropFirst(8)
    }
    // Every company domestic, as the baselines assume: the tickers are
    // codes of no exchange, whose origin would default to foreign.
    var out = Array("portfolio,ticker,name,weight,description,industry_codes,origin\n".utf8)
    out.reserveCapacity(rows * 120)
    let weight = 100.0 / Double(max(1, rows / portfolios))
    for row in 0..<rows {
      let portfolio = "fund-\(row % portfolios + 1)"
      // Distinct codes (7919 is prime to 10⁶), so that no two rows merge:
      // the baselines do not merge duplicates. The letter keeps them out of
      // the universe of listings, which the baselines do not have.
      let code = ticker?(row) ?? "B" + String(1_000_000 + (row * 7919 + 1) % 1_000_000).dropFirst()
      var description = ""
      for _ in 0..<(3 + Int(generator.next() % 5)) {
        let word =
          generator.next() % 3 == 0
          ? terms[Int(generator.next() % UInt64(terms.count))]
          : Self.noise[Int(generator.next() % UInt64(Self.noise.count))]
        description += word + (generator.next() % 2 == 0 ? " " : "，")
      }
      let industry =
        generator.next() % 4 == 0 ? codes[Int(generator.next() % UInt64(codes.count))] : ""
      let malformed = generator.next() % 100 == 0
      let weightText = malformed ? "n/a" : String(format2(weight))
      let line =
        "\(portfolio),\(code),公司\(row),\(weightText),\"\(description.replacingOccurrences(of: "\"", with: "\"\""))\",\(industry),CN\n"
      out += Array(line.utf8)
    }
    return out
  }

  private func format2(_ value: Double) -> String {
    let scaled = (value * 10_000).rounded() / 10_000
    return String(scaled)
  }
}
