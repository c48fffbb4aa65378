/// A name that becomes one component of a path.
public enum PathComponent {
  /// A name read from a file, checked before it becomes one component of a
  /// path: not empty, not `.` or `..`, no `/`, no control character, not
  /// hidden, at most 100 characters.
  ///
  /// - Returns: Why it cannot be a folder name, or nil when it can.
  public static func problem(with name: String) -> String? {
    if name.isEmpty { return "it is empty" }
    if name == "." || name == ".." { return "'\(name)' names a folder outside the output" }
    if name.hasPrefix(".") { return "it begins with '.'" }
    if name.contains("/") || name.contains("\\") { return "it contains a path separator" }
    if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      return "it contains a control character"
    }
    if name.count > 100 { return "it is longer than 100 characters" }
    return nil
  }
}
