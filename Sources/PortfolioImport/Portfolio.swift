import Foundation
public import PolicyScoreCore

/// An imported portfolio file: the holdings that were read, the rows that were
/// rejected, and how the file was interpreted.
public struct Portfolio: Sendable {
  /// How the file's weights were read.
  public enum WeightBasis: String, Sendable {
    case percent
    case fraction
    case marketValue = "market-value"
    /// A list without weights: every holding weighs the same.
    case equal
  }

  public var file: String
  public var holdings: [Holding] { didSet { groups = nil } }
  /// Sorted by line.
  public var rejects: [RejectedRow]
  /// Data rows read (not counting the header or blank lines); always
  /// `holdings.count + rejects.count`.
  public var rowsRead: Int
  public var weightBasis: WeightBasis
  /// Headers that named no known column, ignored.
  public var ignoredHeaders: [String]
  /// SHA-256 of the file's bytes.
  public var inputHash: String
  /// How the file was read: `csv utf-8 ','`, `csv gb18030 ';'`, `xlsx sheet 'Holdings'`.
  public var format: String
  /// Title and note lines above the header, skipped.
  public var titleLines: Int
  /// Things the analyst should know: merged duplicates, replaced bytes.
  public var warnings: [Diagnostic]
  /// The portfolio names in order of first appearance, and each holding's
  /// by its place among them, as the rows were read; nil once `holdings`
  /// changes.
  package var groups: (names: [String], of: [Int32])?

  /// Rows that count for the data-loss budget: all but totals and note lines.
  public var budgetRows: Int { rowsRead - rejects.filter { !$0.countsAgainstBudget }.count }
  /// Rejected rows that count for the data-loss budget.
  public var budgetRejects: Int { rejects.filter(\.countsAgainstBudget).count }

  /// The share of budget rows rejected, in percent; 0 for a file without rows.
  public var rejectedPercent: Double {
    budgetRows > 0 ? Double(budgetRejects) / Double(budgetRows) * 100 : 0
  }
}
