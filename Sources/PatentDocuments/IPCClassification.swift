/// IPC classes from a document's bibliographic data, normalized to `A01B 1/00` form, in
/// document order without repeats. Sources, by format:
/// - USPTO: `classifications-ipcr/classification-ipcr` (section, class, subclass,
///   main-group, subgroup) and the older `classification-ipc` (`main-classification`,
///   `further-classification` text);
/// - EP ST.36: `B510EP/classification-ipcr/text`, older `B510/B511`, `B512`;
/// - WIPO ST.96: `pat:IPCRClassification` (`pat:Section` … `pat:Subgroup`, or
///   `pat:PatentClassificationText`), `pat:MainClassification`, `pat:FurtherClassification`;
/// - JPO: `classification-ipc/main-clsf`, `further-clsf` (`H01L  21/301  20060101AFI…`);
/// - CNIPA: `classifications-ipcr/classification-ipcr/text` (`A24B   15/18  (2006.01)`).
/// National schemes (JP FI, CPC, USPC) are not IPC and are left out.
enum IPCClassification {
    static func classes(in scan: XMLScan) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        func add(_ code: String?) {
            if let code, seen.insert(code).inserted { result.append(code) }
        }
        let keys = scan.names.map(PatentVocabulary.key)
        func key(_ e: Int) -> String { keys[Int(scan.elements[e].nameID)] }
        func child(_ e: Int, _ k: String) -> Int? { scan.children(ofElement: e).first { key($0) == k } }

        for e in scan.elements.indices {
            switch key(e) {
            case "classificationipcr", "ipcrclassification":
                if let text = child(e, "text") ?? child(e, "patentclassificationtext") {
                    add(parse(scan.textContent(ofElement: text)))
                } else if let section = child(e, "section"), let cls = child(e, "class"), let subclass = child(e, "subclass"),
                          let main = child(e, "maingroup"), let sub = child(e, "subgroup") {
                    add(parse([section, cls, subclass].map { scan.textContent(ofElement: $0).trimmingSpaces() }.joined()
                        + " " + scan.textContent(ofElement: main).trimmingSpaces() + "/" + scan.textContent(ofElement: sub).trimmingSpaces()))
                }
            case "classificationipc":
                for c in scan.children(ofElement: e) where ["mainclassification", "furtherclassification", "mainclsf", "furtherclsf"].contains(key(c)) {
                    add(parse(scan.textContent(ofElement: c)))
                }
            case "b511", "b512", "mainclassification", "furtherclassification":
                let parent = scan.elements[e].parent
                if parent >= 0, key(parent) == "classificationipc" { continue }  // read above
                add(parse(scan.textContent(ofElement: e)))
            default:
                break
            }
        }
        return result
    }

    /// Finds `A01B 1/00`-shaped codes in free text: section letter A–H, two digits, a
    /// subclass letter, then main group / subgroup, with any spacing between
    /// (`C07D 403/04        20060101AFI…`, `A24B   15/18`, `7C 07D 403/04`).
    static func parse(_ text: String) -> String? {
        let s = Array(text.unicodeScalars)
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        func isUpper(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) }
        var k = 0
        while k < s.count {
            defer { k += 1 }
            guard ("A"..."H").contains(s[k]), k == 0 || !isUpper(s[k - 1]) else { continue }
            var j = k + 1
            func skip() { while j < s.count, s[j] == " " { j += 1 } }
            func digits(max: Int) -> String {
                var out = ""
                while j < s.count, isDigit(s[j]), out.count < max { out.unicodeScalars.append(s[j]); j += 1 }
                return out
            }
            skip()
            let cls = digits(max: 2)
            guard cls.count == 2 else { continue }
            skip()
            guard j < s.count, isUpper(s[j]) else { continue }
            let subclass = s[j]
            j += 1
            skip()
            let main = digits(max: 4)
            guard !main.isEmpty else { continue }
            skip()
            guard j < s.count, s[j] == "/" else { continue }
            j += 1
            skip()
            let sub = digits(max: 6)
            guard sub.count >= 2 else { continue }
            return "\(s[k])\(cls)\(subclass) \(Int(main)!)/\(sub)"
        }
        return nil
    }
}
