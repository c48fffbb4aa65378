import Foundation
import HoldingMapping
import PolicyModel
public import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// One report file, rendered as it is written.
///
/// A small file is its bytes. A large CSV is its rows, rendered a batch at a
/// time across the cores and handed on batch by batch, so that a million-row
/// report never sits whole in memory.
public struct ReportFile: Sendable {
  private enum Content: Sendable {
    case bytes([UInt8])
    case rows(CSVRows)
  }

  fileprivate struct CSVRows: Sendable {
    var header: [String]
    var count: Int
    var bytesPerRow: Int
    var batchRows: Int
    var row: @Sendable (inout CSVBuilder, Int) -> Void
  }

  private let content: Content

  public init(_ bytes: [UInt8]) { content = .bytes(bytes) }

  /// A CSV file of `rows` rows, rendered as it is written.
  ///
  /// The byte-order mark, `header`, then `row(&csv, index)` for every index
  /// in `0..<rows`; `row` writes the cells and the row end is added.
  /// `bytesPerRow` guesses a row's size, to reserve memory once; `batchRows`
  /// rows are rendered at a time.
  public static func csv(
    header: [String],
    rows: Int,
    bytesPerRow: Int,
    batchRows: Int = 32_768,
    _ row: @escaping @Sendable (inout CSVBuilder, Int) -> Void
  ) -> ReportFile {
    ReportFile(
      content: .rows(
        CSVRows(
          header: header,
          count: rows,
          bytesPerRow: bytesPerRow,
          batchRows: max(1, batchRows),
          row: row
        )
      )
    )
  }

  private init(content: Content) { self.content = content }

  /// Hands the file's bytes to `sink` in order, a piece at a time; `sink`
  /// may be called on another thread, but never twice at once.
  public func write<E: Error>(_ sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
    switch content {
    case .bytes(let bytes):
      try send(bytes, to: sink)
    case .rows(let rows):
      try rows.write(sink)
    }
  }

  /// The whole file in memory.
  public var bytes: [UInt8] {
    var bytes: [UInt8] = []
    write { bytes.append(contentsOf: $0) }
    return bytes
  }
}

extension ReportFile.CSVRows {
  /// Each batch is cut into pieces that the cores render as they come free;
  /// meanwhile one of them hands the previous batch to `sink`, so that the
  /// writing overlaps the rendering.
  fileprivate func write<E: Error>(
    _ sink: (UnsafeRawBufferPointer) throws(E) -> Void
  ) throws(E) {
    try send(CSVBuilder(header: header).bytes, to: sink)
    let pieces = 4 * ProcessInfo.processInfo.activeProcessorCount
    // Two sets of buffers, one being rendered while the other is written,
    // reused from batch to batch: fresh memory costs more on this kind of
    // machine than the rendering itself.
    var sets = (0..<2).map { _ in
      (0..<pieces).map { _ in CSVBuilder(capacity: min(count, batchRows) * bytesPerRow / pieces) }
    }
    var written = 0  // pieces of the previous batch, in the other set
    var failure: E?
    var start = 0
    var current = 0
    while start < count && failure == nil {
      let end = min(count, start + batchRows)
      let used = min(pieces, max(1, (end - start) / 256))
      let (rendering, writing) = (current, 1 - current)
      sets.withUnsafeMutableBufferPointer { sets in
        nonisolated(unsafe) let sets = sets
        nonisolated(unsafe) var failed: E?
        withoutActuallyEscaping(sink) { sink in
          nonisolated(unsafe) let sink = sink
          _ = Parallel.each(used + 1) { task in
            guard task > 0 else {
              for piece in 0..<written where failed == nil {
                do throws(E) { try send(sets[writing][piece].bytes, to: sink) } catch {
                  failed = error
                }
              }
              return
            }
            let piece = task - 1
            let lower = start + (end - start) * piece / used
            let upper = start + (end - start) * (piece + 1) / used
            // Rendered on this thread's stack, not in place: the pieces'
            // builders lie side by side, and each cell sets a flag in its
            // builder, so in place the cores fought over one cache line.
            var builder = CSVBuilder()
            swap(&builder, &sets[rendering][piece])
            builder.removeAll()
            for index in lower..<upper {
              row(&builder, index)
              builder.endRow()
            }
            swap(&builder, &sets[rendering][piece])
          }
        }
        failure = failed
      }
      written = used
      current = 1 - current
      start = end
    }
    if let failure { throw failure }
    for piece in 0..<written { try send(sets[1 - current][piece].bytes, to: sink) }
  }
}

/// `sink(bytes)`, its typed error kept (`withUnsafeBytes` only rethrows).
private func send<E: Error>(
  _ bytes: [UInt8],
  to sink: (UnsafeRawBufferPointer) throws(E) -> Void
) throws(E) {
  let failure: E? = bytes.withUnsafeBytes { buffer in
    do throws(E) {
      try sink(buffer)
      return nil
    } catch {
      return error
    }
  }
  if let failure { throw failure }
}
