/// Plain-text filings: paragraphs separated by blank lines; numbered claims found.
///
/// - Each paragraph is a unit; its hard-wrapped lines are joined with one space for the
///   model (the translation replaces the paragraph from its first to its last non-space
///   byte; everything else, blank lines included, is kept byte for byte).
/// - A one-line paragraph of at most 80 characters that is in capitals or ends with `:` is
///   a heading; the first paragraph, when it is one line without a final period, is the
///   title.
/// - Claims: after a claims heading (`CLAIMS`, `What is claimed is:`, `We claim:`, …) every
///   line starting with `N.` or `N)` begins a claim, even without a blank line between
///   claims. Elsewhere a numbered line is a claim when it reads like one (`N. A|An|The …`
///   with `comprising`, `wherein`, `consisting` or `claim N`), and then the numbered lines
///   that follow it in its paragraph are claims too. The number (`1. `) is kept outside
///   the unit, so claim numbering never passes through the model.
enum PlainTextReader {
    struct Line {
        let range: Range<Int>  // without the line break
        let text: String
        var isBlank: Bool { text.unicodeScalars.allSatisfy(\.properties.isWhitespace) }
    }

    static let claimsHeadings: Set<String> = [
        "claims", "claim", "what is claimed is", "what is claimed", "we claim", "i claim",
        "the invention claimed is", "claimed is", "patent claims",
    ]

    static func units(of bytes: [UInt8]) -> [TranslatableUnit] {
        let lines = splitLines(bytes)
        var units: [TranslatableUnit] = []
        var inClaims = false
        var paragraphIndex = 0
        var claimIndex = 0
        var k = 0
        var isFirstBlock = true

        func add(_ kind: UnitKind, lines block: ArraySlice<Line>, skippingPrefix prefix: Int, stepName: String, index: Int, num: String?) {
            let start = block.first!.range.lowerBound + prefix
            let end = block.last!.range.upperBound
            var s = start
            var e = end
            while s < e, isSpace(bytes[s]) { s += 1 }
            while e > s, isSpace(bytes[e - 1]) { e -= 1 }
            guard s < e else { return }
            let joined = block.enumerated().map { offset, line in
                let text = offset == 0 ? String(decoding: bytes[(line.range.lowerBound + prefix)..<line.range.upperBound], as: UTF8.self) : line.text
                return text.trimmingSpaces()
            }.filter { !$0.isEmpty }.joined(separator: " ")
            units.append(TranslatableUnit(
                id: units.count, kind: kind,
                path: UnitPath(steps: [UnitPath.Step(name: stepName, index: index, id: nil, num: num)], run: 1),
                text: joined, placeholders: [], language: nil, byteRange: s..<e, container: -1))
        }

        while k < lines.count {
            if lines[k].isBlank {
                k += 1
                continue
            }
            var end = k
            while end < lines.count, !lines[end].isBlank { end += 1 }
            var block = lines[k..<end]
            defer {
                k = end
                isFirstBlock = false
            }
            var firstText = block.first!.text.trimmingSpaces()
            if claimsHeadings.contains(firstText.lowercased().trimmingCharacters(":.")) {
                // The heading may be followed directly by the claims, without a blank line.
                inClaims = true
                paragraphIndex += 1
                add(.heading, lines: block.prefix(1), skippingPrefix: 0, stepName: "paragraph", index: paragraphIndex, num: nil)
                block = block.dropFirst()
                guard let next = block.first else { continue }
                firstText = next.text.trimmingSpaces()
            }
            if block.count == 1, isFirstBlock, firstText.unicodeScalars.count <= 200, !firstText.hasSuffix("."), claimNumber(firstText) == nil {
                paragraphIndex += 1
                add(.title, lines: block, skippingPrefix: 0, stepName: "paragraph", index: paragraphIndex, num: nil)
                continue
            }
            if block.count == 1, isHeading(firstText) {
                inClaims = false
                paragraphIndex += 1
                add(.heading, lines: block, skippingPrefix: 0, stepName: "paragraph", index: paragraphIndex, num: nil)
                continue
            }
            let claimBlock = inClaims ? claimNumber(firstText) != nil : looksLikeClaim(firstText)
            if claimBlock {
                // One claim per numbered line; unnumbered lines continue the claim before.
                var claimStart = block.startIndex
                var j = block.startIndex + 1
                func flushClaim(_ upTo: Int) {
                    let lines = block[claimStart..<upTo]
                    let first = lines.first!.text
                    let number = claimNumber(first)
                    claimIndex += 1
                    add(.claim, lines: lines, skippingPrefix: number?.prefixBytes ?? 0, stepName: "claim", index: claimIndex, num: number?.number)
                }
                while j < block.endIndex {
                    if claimNumber(block[j].text) != nil {
                        flushClaim(j)
                        claimStart = j
                    }
                    j += 1
                }
                flushClaim(block.endIndex)
                continue
            }
            paragraphIndex += 1
            add(inClaims ? .claim : .paragraph, lines: block, skippingPrefix: 0, stepName: "paragraph", index: paragraphIndex, num: nil)
        }
        return units
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    static func splitLines(_ bytes: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = bytes.starts(with: XMLEncodingCheck.utf8BOM) ? 3 : 0
        var k = start
        while k <= bytes.count {
            if k == bytes.count || bytes[k] == 0x0A {
                var end = k
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                if k < bytes.count || start < k {
                    lines.append(Line(range: start..<end, text: String(decoding: bytes[start..<end], as: UTF8.self)))
                }
                start = k + 1
            }
            k += 1
        }
        return lines
    }

    static func isHeading(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count <= 80, claimNumber(text) == nil else { return false }
        if text.hasSuffix(":") { return true }
        let letters = scalars.filter { $0.properties.isAlphabetic }
        return letters.count >= 3 && letters.allSatisfy { !$0.properties.isLowercase } && letters.contains { $0.properties.isUppercase }
            && !text.hasSuffix(".")
    }

    /// `12. text` or `12) text`: the number and the bytes of the prefix up to the text.
    static func claimNumber(_ line: String) -> (number: String, prefixBytes: Int)? {
        let utf8 = Array(line.utf8)
        var k = 0
        while k < utf8.count, utf8[k] == 0x20 || utf8[k] == 0x09 { k += 1 }
        let digitsStart = k
        while k < utf8.count, utf8[k] >= 0x30, utf8[k] <= 0x39 { k += 1 }
        let digits = k - digitsStart
        guard (1...3).contains(digits), k < utf8.count, utf8[k] == UInt8(ascii: ".") || utf8[k] == UInt8(ascii: ")") else { return nil }
        k += 1
        guard k < utf8.count, utf8[k] == 0x20 || utf8[k] == 0x09 else { return nil }
        while k < utf8.count, utf8[k] == 0x20 || utf8[k] == 0x09 { k += 1 }
        guard k < utf8.count else { return nil }
        return (String(decoding: utf8[digitsStart..<(digitsStart + digits)], as: UTF8.self), k)
    }

    static func looksLikeClaim(_ line: String) -> Bool {
        guard let number = claimNumber(line) else { return false }
        let body = String(decoding: Array(line.utf8)[number.prefixBytes...], as: UTF8.self)
        let lower = body.lowercased()
        let opens = ["a ", "an ", "the ", "use ", "method", "process", "apparatus", "system", "device"].contains { lower.hasPrefix($0) }
        let words = [" comprising", " wherein", " consisting", " claim "].contains { lower.contains($0) }
        return opens && words
    }
}

extension String {
    func trimmingCharacters(_ set: String) -> String {
        var s = Substring(self)
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s).trimmingSpaces()
    }
}
