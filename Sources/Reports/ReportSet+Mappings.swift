import HoldingMapping
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

extension ReportSet {
  /// The segment's names and catalogue item are in `explanations.csv` and
  /// `policyscore catalog list`; a holding's name, in the rankings.
  static let mappingsHeader = [
    "portfolio", "line", "ticker", "segment", "category", "domain", "share", "method",
    "confidence", "evidence", "borderline",
  ]

  /// Every holding–segment pair, in file order, with its evidence written
  /// out.
  ///
  /// What `policyscore map --format csv` prints. The score reports carry the
  /// same in the rankings' columns, the evidence keyed.
  public static func mappings(_ run: ScoreRun) -> ReportFile {
    let columns = SegmentColumns.all(run.scoring)
    // (score, segment) positions, holdings in file order.
    let scores = run.inFileOrder
    let rows = scores.indices.flatMap { position in
      scores[position].mapping.segments.indices.map { (position, $0) }
    }
    let count = rows.count
    return ReportFile.csv(header: mappingsHeader, rows: count, bytesPerRow: 320) { csv, index in
      let score = scores[rows[index].0]
      let mapping = score.mapping
      let mapped = mapping.segments[rows[index].1]
      let holding = score.holding
      let segment = columns[mapped.segment]
      csv.text(holding.portfolio)
      csv.integer(holding.line)
      csv.text(holding.ticker.canonical)
      csv.text(mapped.segment.rawValue)
      csv.text(segment?.category ?? "")
      csv.text(segment?.domain ?? "")
      csv.number(mapped.share, decimals: 4)
      csv.text(mapping.method.rawValue)
      csv.number(mapping.confidence, decimals: 2)
      csv.text(building: mapped.why.append)
      // Why the mapping is borderline, once, on the holding's first segment.
      csv.text(rows[index].1 == 0 ? mapping.borderline ?? "" : "")
    }
  }
}
