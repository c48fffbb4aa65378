import Foundation

/// The JSON of every manifest and JSON report: pretty, keys sorted, slashes
/// unescaped, a final line break; stable for the same value.
package enum ReportJSON {
  package static func encode<T: Encodable>(_ value: T) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array((try? encoder.encode(value)) ?? Data("{}".utf8)) + [0x0A]
  }
}
