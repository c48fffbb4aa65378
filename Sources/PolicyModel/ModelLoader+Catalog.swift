import Foundation
import PolicyScoreCore

/// Catalogue editions, their segments and the strategic documents that name them.
extension ModelLoader {
  // MARK: - Catalogues and segments

  static let segmentKeys = [
    "id", "zh", "en", "domain", "verification", "sources", "note", "assumption",
  ]

  func readCatalog(_ map: YAMLMap, _ state: inout State) {
    let headerKeys = [
      "id", "edition", "document", "effective", "repealed", "counts", "counts_verification",
      "counts_sources", "counts_note", "unlisted_verification",
    ]
    guard let header = map.map("catalog", keys: headerKeys, required: true),
      let edition = header.string("edition", required: true),
      let effective = header.day("effective", required: true)
    else { return }
    let document = SourceID(header.string("document", required: true) ?? "")
    state.sourceReferences.append((document, header.location(of: "document")))
    var counts: [Category: Int] = [:]
    if let countMap = header.map("counts", keys: Category.allCases.map(\.rawValue)) {
      for category in Category.allCases {
        if let value = countMap.number(category.rawValue, in: 0...1000) {
          counts[category] = Int(value)
        }
      }
    }
    let countsFact = Fact(
      grade: .verified(header.choice("counts_verification", as: Verification.self) ?? .recalled),
      sources: header.strings("counts_sources").map(SourceID.init(rawValue:)),
      note: header.string("counts_note")
    )
    state.count(countsFact.grade, .classification)
    let unlisted = header.choice("unlisted_verification", as: Verification.self, required: true)
    var catalog = Catalog(
      id: header.string("id", required: true) ?? edition,
      edition: edition,
      document: document,
      effective: effective,
      repealed: header.day("repealed"),
      items: [],
      declaredCounts: counts,
      countsFact: countsFact,
      unlistedFact: Fact(
        grade: .verified(unlisted ?? .recalled),
        sources: [document],
        note: "not listed in the \(edition) edition's medical section"
      )
    )
    if state.catalogs[edition] != nil {
      diagnostics.error(
        "a second catalogue for edition \(edition)",
        at: header.location(of: "edition")
      )
    }
    let itemKeys = [
      "id", "category", "subtype", "zh", "en", "verification", "sources", "text_basis", "note",
      "deadline", "segments",
    ]
    var actual: [Category: Int] = [:]
    for entry in map.maps("items", keys: itemKeys) {
      guard let id = entry.string("id", required: true),
        let category = entry.choice("category", as: Category.self, required: true)
      else { continue }
      if category == .allowed {
        diagnostics.error(
          "'allowed' is the unlisted class; an item cannot be in it",
          at: entry.location(of: "category")
        )
      }
      let itemID = ItemID(id)
      if state.itemIDs.contains(itemID) {
        diagnostics.error("duplicate item id '\(id)'", at: entry.location(of: "id"))
      }
      state.itemIDs.insert(itemID)
      let fact = readFact(entry, state: &state)
      let subtype = entry.string("subtype")
      if subtype != "cross-section" { actual[category, default: 0] += 1 }
      var item = CatalogItem(
        id: itemID,
        category: category,
        subtype: subtype,
        textZH: entry.string("zh", required: true) ?? "",
        textEN: entry.string("en", required: true) ?? "",
        fact: fact,
        deadline: entry.day("deadline"),
        segments: [],
        location: entry.location
      )
      for segmentEntry in entry.maps("segments", keys: Self.segmentKeys) {
        guard
          let segmentID = segmentEntry.string("id", required: true).map(SegmentID.init(rawValue:))
        else {
          continue
        }
        if segmentEntry.has("zh") || segmentEntry.has("en") || segmentEntry.has("domain") {
          define(segmentEntry, id: segmentID, reference: nil, &state)
        } else {
          state.references.append((segmentID, segmentEntry.location))
        }
        if catalog.itemBySegment[segmentID] != nil {
          diagnostics.error(
            "segment '\(segmentID)' is listed by two items of edition \(edition)",
            at: segmentEntry.location
          )
        }
        catalog.itemBySegment[segmentID] = item
        // Each segment an item names is a classification of its own: an
        // item with 13 segments is 13 facts.
        let classification = readFact(segmentEntry, inheriting: fact, state: &state)
        state.count(classification.grade, .classification)
        catalog.factBySegment[segmentID] = classification
        item.segments.append(segmentID)
      }
      if item.segments.isEmpty { state.count(fact.grade, .classification) }
      for segmentID in item.segments { catalog.itemBySegment[segmentID] = item }
      catalog.items.append(item)
    }
    for category in [Category.encouraged, .restricted, .eliminated]
    where counts[category] != nil && counts[category] != actual[category, default: 0] {
      diagnostics.error(
        "edition \(edition) declares \(counts[category] ?? 0) \(category.rawValue) items but lists \(actual[category, default: 0])",
        at: header.location(of: "counts")
      )
    }
    state.catalogs[edition] = catalog
  }

  func define(_ entry: YAMLMap, id: SegmentID, reference: Fact?, _ state: inout State) {
    if let existing = state.segments[id] {
      diagnostics.error(
        "segment '\(id)' is defined twice (first at \(existing.location))",
        at: entry.location(of: "id")
      )
      return
    }
    guard let domain = entry.choice("domain", as: Domain.self, required: true) else { return }
    state.segments[id] = Segment(
      id: id,
      nameZH: entry.string("zh", required: true) ?? "",
      nameEN: entry.string("en", required: true) ?? "",
      domain: domain,
      location: entry.location,
      reference: reference,
      note: entry.string("note")
    )
  }

  func readReferenceSegments(_ map: YAMLMap, _ state: inout State) {
    for entry in map.maps("segments", keys: Self.segmentKeys) {
      guard let id = entry.string("id", required: true).map(SegmentID.init(rawValue:)) else {
        continue
      }
      let fact = readFact(entry, state: &state)
      state.count(fact.grade, .classification)
      define(entry, id: id, reference: fact, &state)
    }
  }

  // MARK: - Strategic mentions

  func readMentions(_ map: YAMLMap, _ state: inout State) {
    let keys = ["document", "verification", "sources", "basis", "segments", "note", "valid"]
    for entry in map.maps("mentions", keys: keys) {
      guard let document = entry.string("document", required: true).map(SourceID.init(rawValue:))
      else {
        continue
      }
      state.sourceReferences.append((document, entry.location(of: "document")))
      let fact = readFact(entry, state: &state)
      state.count(fact.grade, .mention)
      let segments = entry.strings("segments").map(SegmentID.init(rawValue:))
      for segment in segments { state.references.append((segment, entry.location(of: "segments"))) }
      state.mentions.append(
        StrategicMention(
          document: document,
          fact: fact,
          segments: segments,
          basis: entry.string("basis", required: true) ?? "",
          windows: readWindows(entry)
        )
      )
    }
  }
}
