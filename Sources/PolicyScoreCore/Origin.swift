/// A company's origin, which decides how substitution pressure acts on it.
public enum Origin: String, CaseIterable, Sendable, Hashable {
  case domestic
  case foreign
}
