import Foundation

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

  /// Hands the file's bytes to `sink` in order, a piece at a time.
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
  fileprivate func write<E: Error>(
    _ sink: (UnsafeRawBufferPointer) throws(E) -> Void
  ) throws(E) {
    try send(CSVBuilder(header: header).bytes, to: sink)
    // One buffer per core, reused from batch to batch: fresh memory costs
    // more on this kind of machine than the rendering itself.
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var buffers = (0..<cores).map { _ in
      CSVBuilder(capacity: min(count, batchRows) * bytesPerRow / cores)
    }
    var start = 0
    while start < count {
      let end = min(count, start + batchRows)
      let workers = min(cores, max(1, (end - start) / 1024))
      buffers.withUnsafeMutableBufferPointer { buffers in
        nonisolated(unsafe) let buffers = buffers
        _ = Parallel.each(workers) { worker in
          let lower = start + (end - start) * worker / workers
          let upper = start + (end - start) * (worker + 1) / workers
          buffers[worker].removeAll()
          for index in lower..<upper {
            row(&buffers[worker], index)
            buffers[worker].endRow()
          }
        }
      }
      for worker in 0..<workers {
        try send(buffers[worker].bytes, to: sink)
      }
      start = end
    }
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
