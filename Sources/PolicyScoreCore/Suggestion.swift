/// "Did you mean" support: the closest candidate by edit distance.
package enum Suggestion {
  /// The candidate nearest to `word`, when it is close enough to be a typo.
  package static func closest<S: Sequence>(to word: String, in candidates: S) -> String?
  where S.Element == String {
    var best: (String, Int)?
    for candidate in candidates {
      let distance = editDistance(word, candidate)
      if let current = best,
        distance > current.1 || (distance == current.1 && candidate >= current.0)
      {
        continue
      }
      best = (candidate, distance)
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = max(2, word.count / 3)
    return distance <= limit ? candidate : nil
  }

  /// "; did you mean 'x'?" or "".
  package static func hint<S: Sequence>(for word: String, in candidates: S) -> String
  where S.Element == String {
    closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
  }

  package static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
