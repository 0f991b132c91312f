/// The DOCTYPE: its external ID (never fetched) and its internal subset, of which only the
/// entity declarations matter here. After the subset is read, every internal entity's
/// expansion is bounded (size and depth) in time linear in the subset, so that an
/// entity-expansion bomb is refused before anything could expand it.
extension XMLScanner {
    mutating func scanDoctype() throws {
        let s = i
        guard !doctypeSeen else { throw malformed("a second DOCTYPE", at: s) }
        guard !rootSeen else { throw malformed("DOCTYPE after the root element", at: s) }
        doctypeSeen = true
        i += 9
        try requireSpace("after <!DOCTYPE")
        _ = try scanName("after <!DOCTYPE")
        skipSpace()
        if starts(with: "SYSTEM", at: i) || starts(with: "PUBLIC", at: i) {
            _ = try scanExternalID(allowPublicOnly: false)
            entities.hasExternalSubset = true
            skipSpace()
        }
        if i < n, b[i] == UInt8(ascii: "[") {
            i += 1
            try scanInternalSubset()
            i += 1  // the ']'
            skipSpace()
        }
        guard i < n, b[i] == UInt8(ascii: ">") else { throw malformed("expected '>' to end the DOCTYPE", at: i) }
        i += 1
        appendToken(.doctype, s)
        try checkEntityExpansion()
    }

    /// `SYSTEM "sys"` or `PUBLIC "pub" "sys"`; returns (system, public).
    mutating func scanExternalID(allowPublicOnly: Bool) throws -> (String, String?) {
        if starts(with: "SYSTEM", at: i) {
            i += 6
            try requireSpace("after SYSTEM")
            return (try scanQuoted("(system identifier)"), nil)
        }
        i += 6
        try requireSpace("after PUBLIC")
        let publicID = try scanQuoted("(public identifier)")
        let hadSpace = skipSpace()
        if allowPublicOnly, i < n, b[i] == UInt8(ascii: ">") { return ("", publicID) }
        guard hadSpace else { throw malformed("expected whitespace after the public identifier", at: i) }
        return (try scanQuoted("(system identifier)"), publicID)
    }

    mutating func scanInternalSubset() throws {
        let subsetStart = i
        while true {
            skipSpace()
            guard i < n else { throw malformed("unterminated DOCTYPE internal subset", at: subsetStart) }
            if b[i] == UInt8(ascii: "]") { return }
            if b[i] == UInt8(ascii: "%") {
                i += 1
                _ = try scanName("after '%'")
                guard i < n, b[i] == UInt8(ascii: ";") else { throw malformed("parameter entity reference not closed with ';'", at: i) }
                i += 1
                entities.hasParameterReferences = true
            } else if starts(with: "<!--", at: i) {
                try skipComment()
            } else if starts(with: "<?", at: i) {
                let s = i
                while i + 1 < n, !(b[i] == UInt8(ascii: "?") && b[i + 1] == UInt8(ascii: ">")) { i += 1 }
                guard i + 1 < n else { throw malformed("unterminated processing instruction", at: s) }
                i += 2
            } else if starts(with: "<!ENTITY", at: i) {
                try scanEntityDeclaration()
            } else if starts(with: "<!ELEMENT", at: i) || starts(with: "<!ATTLIST", at: i) || starts(with: "<!NOTATION", at: i) {
                try skipDeclaration()
            } else {
                throw malformed("unexpected content in the DOCTYPE internal subset", at: i)
            }
        }
    }

    /// Skips an ELEMENT, ATTLIST or NOTATION declaration up to its '>', honouring quotes.
    mutating func skipDeclaration() throws {
        let s = i
        while i < n, b[i] != UInt8(ascii: ">") {
            if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                _ = try scanQuoted("in a markup declaration")
            } else {
                i += 1
            }
        }
        guard i < n else { throw malformed("unterminated markup declaration", at: s) }
        i += 1
    }

    mutating func scanEntityDeclaration() throws {
        let s = i
        i += 8
        try requireSpace("after <!ENTITY")
        var isParameter = false
        if i < n, b[i] == UInt8(ascii: "%") {
            isParameter = true
            i += 1
            try requireSpace("after '%' in an entity declaration")
        }
        let nameRange = try scanName("in the entity declaration")
        let name = text(nameRange)
        try requireSpace("after the entity name \(name)")
        let definition: XMLEntityTable.Definition
        if i < n, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
            definition = try scanEntityValue(of: name)
        } else if starts(with: "SYSTEM", at: i) || starts(with: "PUBLIC", at: i) {
            let (systemID, publicID) = try scanExternalID(allowPublicOnly: false)
            var notation: String?
            let hadSpace = skipSpace()
            if starts(with: "NDATA", at: i) {
                guard hadSpace, !isParameter else { throw malformed("misplaced NDATA in the declaration of \(name)", at: i) }
                i += 5
                try requireSpace("after NDATA")
                notation = text(try scanName("after NDATA"))
            }
            definition = .external(systemID: systemID, publicID: publicID, notation: notation)
        } else {
            throw malformed("entity \(name) needs a quoted value, SYSTEM or PUBLIC", at: i)
        }
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: ">") else { throw malformed("expected '>' to end the declaration of entity \(name)", at: i) }
        i += 1
        if isParameter {
            entities.parameters.insert(name)
        } else if entities.general[name] == nil, XMLEntityTable.predefined[name] == nil {
            // The first declaration binds (XML 1.0 §4.2).
            entities.general[name] = .init(definition: definition, offset: s)
        }
    }

    mutating func scanEntityValue(of name: String) throws -> XMLEntityTable.Definition {
        let quote = b[i]
        i += 1
        let valueStart = i
        var references: [String] = []
        var containsMarkup = false
        while i < n, b[i] != quote {
            switch b[i] {
            case UInt8(ascii: "%"):
                throw malformed("parameter entity reference inside the value of entity \(name) (not allowed in the internal subset)", at: i)
            case UInt8(ascii: "&"):
                let s = i
                i += 1
                if i < n, b[i] == UInt8(ascii: "#") {
                    try checkCharacterReference(from: s)
                } else {
                    let referenced = try scanName("after '&' in the value of entity \(name)")
                    guard i < n, b[i] == UInt8(ascii: ";") else { throw malformed("reference not closed with ';' in the value of entity \(name)", at: s) }
                    i += 1
                    references.append(text(referenced))
                }
            case UInt8(ascii: "<"):
                containsMarkup = true
                i += 1
            default:
                i += 1
            }
        }
        guard i < n else { throw malformed("unterminated value of entity \(name)", at: valueStart - 1) }
        i += 1
        return .internal(value: valueStart..<(i - 1), references: references, containsMarkup: containsMarkup)
    }

    /// Bounds every internal entity's expansion: size (saturating, memoized: each
    /// declaration is visited once) and nesting depth (the walk stops as soon as a chain is
    /// deeper than the bound, so recursion depth is bounded too). Self-reference is refused.
    mutating func checkEntityExpansion() throws {
        var sizes: [String: (bytes: Int, depth: Int)] = [:]
        var external: [String: String] = [:]
        var visiting = Set<String>()
        let limit = XMLEntityTable.maximumExpansionBytes
        let maxDepth = XMLEntityTable.maximumExpansionDepth

        func expansion(_ name: String, chain: Int) throws -> (bytes: Int, depth: Int) {
            if let known = sizes[name] { return known }
            guard let declaration = entities.general[name],
                  case .internal(let value, let references, _) = declaration.definition
            else { return (0, 0) }  // external or undeclared: never expanded here
            let at = location(declaration.offset)
            guard !visiting.contains(name) else {
                throw PatentDocumentError.entityExpansion(at, "entity &\(name); refers to itself (a recursive entity); refused")
            }
            guard chain <= maxDepth else {
                throw PatentDocumentError.entityExpansion(at, "entity references nest deeper than \(maxDepth) levels at &\(name); (an entity-expansion attack?); refused")
            }
            visiting.insert(name)
            var bytes = value.count
            var depth = 0
            for reference in references where XMLEntityTable.predefined[reference] == nil {
                if case .external(let systemID, _, nil)? = entities.general[reference]?.definition {
                    external[name] = external[name] ?? systemID
                }
                let inner = try expansion(reference, chain: chain + 1)
                if let systemID = external[reference] { external[name] = external[name] ?? systemID }
                bytes = min(bytes + inner.bytes, limit + 1)
                depth = max(depth, inner.depth + 1)
                if bytes > limit {
                    throw PatentDocumentError.entityExpansion(at, "entity &\(name); would expand to more than \(limit) bytes (an entity-expansion attack?); refused")
                }
                if depth > maxDepth {
                    throw PatentDocumentError.entityExpansion(at, "entity &\(name); nests entity references deeper than \(maxDepth) levels (an entity-expansion attack?); refused")
                }
            }
            visiting.remove(name)
            sizes[name] = (bytes, depth)
            return (bytes, depth)
        }

        for name in entities.general.keys.sorted() {
            _ = try expansion(name, chain: 0)
        }
        entities.reachesExternal = external
    }
}
