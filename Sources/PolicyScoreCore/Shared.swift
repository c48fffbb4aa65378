/// An immutable value behind one reference: a copy of what holds it costs one
/// reference count, however many fields the value has.
@usableFromInline package final class Shared<Value: Sendable>: Sendable {
  @usableFromInline package let value: Value
  package init(_ value: Value) { self.value = value }
}

extension Shared: Equatable where Value: Equatable {
  @usableFromInline package static func == (a: Shared, b: Shared) -> Bool {
    a === b || a.value == b.value
  }
}

extension Shared: Hashable where Value: Hashable {
  @usableFromInline package func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
