import PolicyScoreCore

/// Small inline SVG charts for `report.html`: no script, no fonts fetched.
///
/// Each chart is a pure function of its data. Every mark carries its value
/// in `data-value`, so tests and readers can check the picture against the
/// CSVs; the geometry is returned too, for tests.
public enum SVGChart {
  /// One bar of a bar chart.
  public struct Bar: Sendable, Hashable {
    public var label: String
    public var value: Double
    /// What the bar says at its end: `12.3% · 4`.
    public var caption: String
    /// A CSS class such as `encouraged`, `restricted` or `neutral`.
    public var tone: String

    public init(label: String, value: Double, caption: String, tone: String = "") {
      self.label = label
      self.value = value
      self.caption = caption
      self.tone = tone
    }
  }

  /// A drawn rectangle, for tests of the geometry.
  public struct Rect: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
  }

  static let labelWidth = 250.0
  /// Labels longer than this are cut, with an ellipsis: the full text is
  /// in `data-label` and the CSVs.
  static let labelLength = 40
  static let rowHeight = 22.0

  /// Horizontal bars, longest for the largest value (at least `maximum`).
  public static func bars(
    _ bars: [Bar],
    width: Double = 720,
    maximum: Double? = nil
  ) -> (svg: String, rects: [Rect]) {
    let top = max(maximum ?? 0, bars.map(\.value).max() ?? 0, 1e-12)
    let room = width - labelWidth - 90
    var rects: [Rect] = []
    var body = ""
    for (index, bar) in bars.enumerated() {
      let y = Double(index) * rowHeight
      let length = max(0, bar.value) / top * room
      let rect = Rect(x: labelWidth, y: y + 4, width: length, height: rowHeight - 8)
      rects.append(rect)
      body +=
        "<text x=\"\(n(labelWidth - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(escape(short(bar.label)))</text>"
      body +=
        "<rect class=\"bar \(escape(bar.tone))\" x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" data-label=\"\(escape(bar.label))\" data-value=\"\(n(bar.value, 6))\"/>"
      body +=
        "<text x=\"\(n(rect.x + rect.width + 4))\" y=\"\(n(y + 15))\">\(escape(bar.caption))</text>"
    }
    let height = max(rowHeight, Double(bars.count) * rowHeight)
    return (frame(width: width, height: height, body), rects)
  }

  /// A histogram of values on 0...100 in bins of `step`, with the tier
  /// thresholds as dashed lines.
  public static func histogram(
    _ values: [Double],
    step: Double = 10,
    thresholds: [(name: String, value: Double)] = [],
    width: Double = 720,
    height: Double = 200
  ) -> (svg: String, rects: [Rect], counts: [Int]) {
    let bins = Int((100 / step).rounded(.up))
    var counts = [Int](repeating: 0, count: bins)
    for value in values {
      counts[min(bins - 1, max(0, Int(value / step)))] += 1
    }
    // The threshold labels take the top 36 points, the axis the bottom 30.
    let headroom = 36.0
    let plotHeight = height - 30
    let binWidth = (width - 40) / Double(bins)
    let top = Double(max(1, counts.max() ?? 1))
    var rects: [Rect] = []
    var body = ""
    for (index, count) in counts.enumerated() {
      let barHeight = Double(count) / top * (plotHeight - headroom)
      let rect = Rect(
        x: 20 + Double(index) * binWidth + 1,
        y: plotHeight - barHeight,
        width: binWidth - 2,
        height: barHeight
      )
      rects.append(rect)
      let lower = Double(index) * step
      body +=
        "<rect class=\"bar neutral\" x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" data-label=\"\(n(lower))–\(n(lower + step))\" data-value=\"\(count)\"/>"
      if count > 0 {
        body +=
          "<text x=\"\(n(rect.x + rect.width / 2))\" y=\"\(n(max(12, rect.y - 3)))\" text-anchor=\"middle\">\(count)</text>"
      }
      body += "<text x=\"\(n(rect.x))\" y=\"\(n(height - 12))\">\(n(lower))</text>"
    }
    // Labels alternate between two rows, so that close thresholds stay legible.
    let shown = thresholds.filter { $0.value > 0 && $0.value < 100 }
    for (index, threshold) in shown.enumerated() {
      let x = 20 + threshold.value / step * binWidth
      body +=
        "<line class=\"threshold\" x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"0\" y2=\"\(n(plotHeight))\"/><text class=\"small\" x=\"\(n(x + 2))\" y=\"\(10 + 11 * (index % 2))\">\(escape(threshold.name)) ≥ \(n(threshold.value))</text>"
    }
    return (frame(width: width, height: height, body), rects, counts)
  }

  /// E, F and D as three short bars on 0...100, with neutral 50 marked.
  public static func factors(e: Double, f: Double, d: Double, width: Double = 150) -> String {
    var body = ""
    for (index, (name, value)) in [("E", e), ("F", f), ("D", d)].enumerated() {
      let y = Double(index) * 12
      let length = max(0, min(100, value)) / 100 * (width - 14)
      body +=
        "<text class=\"small\" x=\"0\" y=\"\(n(y + 9))\">\(name)</text><rect class=\"bar \(value >= 50 ? "up" : "down")\" x=\"12\" y=\"\(n(y + 2))\" width=\"\(n(length))\" height=\"8\" data-label=\"\(name)\" data-value=\"\(n(value, 2))\"/>"
    }
    let middle = 12 + (width - 14) / 2
    body += "<line class=\"threshold\" x1=\"\(n(middle))\" x2=\"\(n(middle))\" y1=\"0\" y2=\"36\"/>"
    return frame(width: width, height: 36, body)
  }

  /// A line through `points` (label, value on 0...100), one dot each.
  public static func line(
    _ points: [(label: String, value: Double)],
    width: Double = 560,
    height: Double = 160
  ) -> (svg: String, dots: [(x: Double, y: Double)]) {
    let plotHeight = height - 30
    let step = points.count > 1 ? (width - 60) / Double(points.count - 1) : 0
    let dots = points.enumerated().map { index, point in
      (
        x: 40 + Double(index) * step,
        y: plotHeight - max(0, min(100, point.value)) / 100 * plotHeight
      )
    }
    var body =
      "<line class=\"threshold\" x1=\"40\" x2=\"\(n(width - 20))\" y1=\"\(n(plotHeight / 2))\" y2=\"\(n(plotHeight / 2))\"/>"
    if dots.count > 1 {
      body +=
        "<polyline class=\"trend\" points=\"\(dots.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " "))\"/>"
    }
    for (dot, point) in zip(dots, points) {
      body +=
        "<circle class=\"dot\" cx=\"\(n(dot.x))\" cy=\"\(n(dot.y))\" r=\"4\" data-label=\"\(escape(point.label))\" data-value=\"\(n(point.value, 2))\"/><text class=\"small\" x=\"\(n(dot.x))\" y=\"\(n(height - 12))\" text-anchor=\"middle\">\(escape(point.label))</text><text class=\"small\" x=\"\(n(dot.x))\" y=\"\(n(dot.y - 7))\" text-anchor=\"middle\">\(n(point.value, 1))</text>"
    }
    return (frame(width: width, height: height, body), dots)
  }

  /// Bars either side of a zero line, for values of either sign (an IC, an
  /// excess return): right and `up` for a positive value, left and `down`
  /// for a negative one, scaled to the largest size.
  public static func diverging(_ bars: [Bar], width: Double = 720) -> (svg: String, rects: [Rect]) {
    let largest = max(bars.map { abs($0.value) }.max() ?? 0, 1e-12)
    let half = (width - labelWidth - 20) / 2 - 50
    let zero = labelWidth + 60 + half
    var rects: [Rect] = []
    var body = ""
    for (index, bar) in bars.enumerated() {
      let y = Double(index) * rowHeight
      let length = abs(bar.value) / largest * half
      let rect = Rect(
        x: bar.value < 0 ? zero - length : zero,
        y: y + 4,
        width: length,
        height: rowHeight - 8
      )
      rects.append(rect)
      let tone = bar.tone.isEmpty ? (bar.value < 0 ? "down" : "up") : bar.tone
      body +=
        "<text x=\"\(n(labelWidth - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(escape(short(bar.label)))</text>"
      body +=
        "<rect class=\"bar \(escape(tone))\" x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" data-label=\"\(escape(bar.label))\" data-value=\"\(n(bar.value, 6))\"/>"
      let captionX = bar.value < 0 ? rect.x - 4 : rect.x + rect.width + 4
      body +=
        "<text x=\"\(n(captionX))\" y=\"\(n(y + 15))\"\(bar.value < 0 ? " text-anchor=\"end\"" : "")>\(escape(bar.caption))</text>"
    }
    let height = max(rowHeight, Double(bars.count) * rowHeight)
    body +=
      "<line class=\"threshold\" x1=\"\(n(zero))\" x2=\"\(n(zero))\" y1=\"0\" y2=\"\(n(height))\"/>"
    return (frame(width: width, height: height, body), rects)
  }

  /// One band per row: the range of ranks a holding took, and its median.
  public static func bands(
    _ rows: [(label: String, low: Double, median: Double, high: Double)],
    worst: Double,
    width: Double = 560
  ) -> (svg: String, rects: [Rect]) {
    let room = width - labelWidth - 40
    let scale = room / max(1, worst)
    var rects: [Rect] = []
    var body = ""
    for (index, row) in rows.enumerated() {
      let y = Double(index) * rowHeight
      let rect = Rect(
        x: labelWidth + (row.low - 1) * scale,
        y: y + 6,
        width: max(2, (row.high - row.low) * scale),
        height: rowHeight - 12
      )
      rects.append(rect)
      body +=
        "<text x=\"\(n(labelWidth - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(escape(short(row.label)))</text>"
      body +=
        "<rect class=\"bar band\" x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" data-label=\"\(escape(row.label))\" data-value=\"\(n(row.low)) \(n(row.median)) \(n(row.high))\"/>"
      body +=
        "<circle class=\"dot\" cx=\"\(n(labelWidth + (row.median - 1) * scale))\" cy=\"\(n(y + rowHeight / 2))\" r=\"3\"/>"
    }
    let height = max(rowHeight, Double(rows.count) * rowHeight)
    return (frame(width: width, height: height, body), rects)
  }

  static func short(_ label: String) -> String {
    label.count > labelLength ? label.prefix(labelLength - 1) + "…" : label
  }

  static func frame(width: Double, height: Double, _ body: String) -> String {
    "<svg class=\"chart\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">\(body)</svg>"
  }

  /// A number for SVG: at most `decimals` places, no trailing zeros.
  static func n(_ value: Double, _ decimals: Int = 1) -> String {
    NumberText.string(value, decimals: decimals, trimmed: true)
  }

  /// Text for an SVG or HTML element or attribute.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
