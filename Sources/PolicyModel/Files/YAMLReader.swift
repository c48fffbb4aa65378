package import PolicyScoreCore
import Yams

/// A YAML node with its file, so that every value read from it can be located.
package struct YAMLNode {
  let node: Node
  package let file: String
  package let diagnostics: DiagnosticCollector

  package var location: SourceLocation {
    SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
  }

  /// Parses `text`; a syntax error becomes a located diagnostic and nil.
  ///
  /// The text must keep `YAMLBounds`: a hostile file fails fast with a
  /// located error instead of hanging or filling the memory.
  package static func parse(
    _ text: String,
    file: String,
    diagnostics: DiagnosticCollector
  ) -> YAMLNode? {
    let start = SourceLocation(file: file, line: 1, column: 1)
    guard text.utf8.count <= YAMLBounds.maxBytes else {
      diagnostics.error(
        "the file is \(text.utf8.count) bytes, more than the \(YAMLBounds.maxBytes) a YAML file may have",
        at: start
      )
      return nil
    }
    if let key = YAMLBounds.complexKey(in: text) {
      diagnostics.error(
        "\(key.what) cannot be a key here; keys are plain names",
        at: SourceLocation(file: file, line: key.line, column: key.column)
      )
      return nil
    }
    do {
      // Every scalar is read as text and checked by the reader itself, so
      // Yams need not resolve implicit types (a regular expression per
      // scalar, a third of loading the model).
      guard let node = try Yams.compose(yaml: text, .basic) else {
        diagnostics.error("empty YAML document", at: start)
        return nil
      }
      if let mark = YAMLBounds.overExpanded(node) {
        diagnostics.error(
          "this node's aliases expand to more than \(YAMLBounds.maxNodes) values",
          at: SourceLocation(file: file, line: mark.line, column: mark.column)
        )
        return nil
      }
      return YAMLNode(node: node, file: file, diagnostics: diagnostics)
    } catch let error as YamlError {
      switch error {
      case .scanner(let context, let problem, let mark, _),
        .parser(let context, let problem, let mark, _),
        .composer(let context, let problem, let mark, _):
        let detail = context.map { "\($0.text); \(problem)" } ?? problem
        diagnostics.error(
          "YAML syntax error: \(detail)",
          at: SourceLocation(file: file, line: mark.line, column: mark.column)
        )
      default:
        diagnostics.error(
          "cannot read YAML: \(error)",
          at: SourceLocation(file: file, line: 1, column: 1)
        )
      }
      return nil
    } catch {
      diagnostics.error(
        "cannot read YAML: \(error)",
        at: SourceLocation(file: file, line: 1, column: 1)
      )
      return nil
    }
  }

  package var scalar: String? { node.scalar?.string }

  /// The key and value nodes of a mapping, in file order; nil for other nodes.
  package var pairs: [(key: YAMLNode, value: YAMLNode)]? {
    node.mapping.map { mapping in
      mapping.map {
        (
          YAMLNode(node: $0.key, file: file, diagnostics: diagnostics),
          YAMLNode(node: $0.value, file: file, diagnostics: diagnostics)
        )
      }
    }
  }

  /// The node as a mapping whose keys must all be in `keys`.
  ///
  /// Nil (with a diagnostic) when it is not a mapping; unknown keys are
  /// located errors.
  package func map(keys: [String], context: String) -> YAMLMap? {
    guard let mapping = node.mapping else {
      diagnostics.error("\(context) must be a mapping", at: location)
      return nil
    }
    var pairs: [String: (key: YAMLNode, value: YAMLNode)] = [:]
    for (key, value) in mapping {
      let keyNode = YAMLNode(node: key, file: file, diagnostics: diagnostics)
      let name = key.scalar?.string ?? ""
      guard keys.contains(name) else {
        diagnostics.error(
          "unknown key '\(name)' in \(context)\(Suggestion.hint(for: name, in: keys))",
          at: keyNode.location
        )
        continue
      }
      pairs[name] = (keyNode, YAMLNode(node: value, file: file, diagnostics: diagnostics))
    }
    return YAMLMap(node: self, pairs: pairs, context: context)
  }

  /// The node as a list; a single scalar counts as a list of one.
  package var list: [YAMLNode] {
    switch node {
    case .sequence(let sequence):
      return sequence.map { YAMLNode(node: $0, file: file, diagnostics: diagnostics) }
    case .scalar(let scalar) where scalar.string.isEmpty || scalar.string == "null":
      return []
    default:
      return [self]
    }
  }
}

/// A YAML mapping with checked keys and typed, located accessors.
///
/// Each accessor reports a wrong type or a missing required value as an error.
package struct YAMLMap {
  package let node: YAMLNode
  package let pairs: [String: (key: YAMLNode, value: YAMLNode)]
  package let context: String

  package var diagnostics: DiagnosticCollector { node.diagnostics }
  package var location: SourceLocation { node.location }

  package subscript(key: String) -> YAMLNode? { pairs[key]?.value }

  package func has(_ key: String) -> Bool { pairs[key] != nil }

  package func location(of key: String) -> SourceLocation { pairs[key]?.value.location ?? location }

  private func missing(_ key: String) {
    diagnostics.error("missing '\(key)' in \(context)", at: location)
  }

  package func string(_ key: String, required: Bool = false) -> String? {
    guard let value = self[key] else {
      if required { missing(key) }
      return nil
    }
    guard let text = value.scalar, !(value.node.scalar?.style == .plain && text == "null") else {
      diagnostics.error("'\(key)' in \(context) must be text", at: value.location)
      return nil
    }
    if required && text.isEmpty {
      diagnostics.error("'\(key)' in \(context) must not be empty", at: value.location)
      return nil
    }
    return text
  }

  package func number(
    _ key: String,
    in range: ClosedRange<Double>? = nil,
    required: Bool = false
  )
    -> Double?
  {
    guard let value = self[key] else {
      if required { missing(key) }
      return nil
    }
    guard let text = value.scalar, let number = Double(text), number.isFinite else {
      diagnostics.error(
        "'\(key)' in \(context) must be a number, not '\(value.scalar ?? "…")'",
        at: value.location
      )
      return nil
    }
    if let range, !range.contains(number) {
      diagnostics.error(
        "'\(key)' in \(context) is \(text), outside \(format(range.lowerBound))...\(format(range.upperBound))",
        at: value.location
      )
      return nil
    }
    return number
  }

  package func day(_ key: String, required: Bool = false) -> Day? {
    guard let value = self[key] else {
      if required { missing(key) }
      return nil
    }
    guard let text = value.scalar, let day = Day(text) else {
      diagnostics.error(
        "'\(key)' in \(context) must be a date YYYY-MM-DD, not '\(value.scalar ?? "…")'",
        at: value.location
      )
      return nil
    }
    return day
  }

  /// Checks `schema_version`: required, and no newer than `highest`.
  package func checkSchemaVersion(highest: Int) {
    guard let version = number("schema_version", required: true) else { return }
    if Int(version) > highest || version < 1 {
      diagnostics.error(
        "schema_version \(Int(version)) is not supported; the highest supported is \(highest)",
        at: location(of: "schema_version")
      )
    }
  }

  package func bool(_ key: String) -> Bool? {
    guard let value = self[key] else { return nil }
    switch value.scalar?.lowercased() {
    case "true", "yes": return true
    case "false", "no": return false
    default:
      diagnostics.error("'\(key)' in \(context) must be true or false", at: value.location)
      return nil
    }
  }

  /// A list of plain values; an item that is a list or a mapping is an error.
  package func strings(_ key: String) -> [String] {
    (self[key]?.list ?? []).enumerated().compactMap { index, element in
      guard let text = element.scalar else {
        let kind = element.node.mapping != nil ? "a mapping" : "a list"
        diagnostics.error(
          "'\(key)[\(index)]' in \(context) must be a plain value, not \(kind)",
          at: element.location
        )
        return nil
      }
      return text
    }
  }

  /// A list of mappings with the given keys, each with its context name.
  package func maps(_ key: String, keys: [String]) -> [YAMLMap] {
    guard let value = self[key] else { return [] }
    return value.list.enumerated().compactMap { index, element in
      element.map(keys: keys, context: "\(key)[\(index)]")
    }
  }

  package func map(_ key: String, keys: [String], required: Bool = false) -> YAMLMap? {
    guard let value = self[key] else {
      if required { missing(key) }
      return nil
    }
    return value.map(keys: keys, context: key)
  }

  /// A closed-vocabulary value; an unknown one is an error naming the choices.
  package func choice<T: RawRepresentable & CaseIterable>(
    _ key: String,
    as type: T.Type,
    required: Bool = false
  )
    -> T? where T.RawValue == String
  {
    guard let text = string(key, required: required) else { return nil }
    if let value = T(rawValue: text) { return value }
    let names = T.allCases.map(\.rawValue)
    diagnostics.error(
      "'\(key)' in \(context) is '\(text)', not one of \(names.joined(separator: ", "))"
        + Suggestion.hint(for: text, in: names),
      at: location(of: key)
    )
    return nil
  }

  private func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
  }
}
