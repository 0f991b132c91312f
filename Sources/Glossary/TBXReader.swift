import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads TBX-Basic (v3 `tbx`/`conceptEntry`/`langSec`/`termSec`, and the older v2
/// `martif`/`termEntry`/`langSet`/`tig`). External entities are never resolved and files
/// that declare entities are refused, so a term file can neither read local files nor
/// expand without bound.
enum TBXReader {
    struct Concept {
        var line: Int
        var domain: String?
        var note = ""
        /// (language, term, properties) per term, in file order.
        var terms: [(language: String, text: String, properties: [String: String], line: Int)] = []
    }

    static func read(_ data: Data, path: String, sourceLanguage: String?, targetLanguage: String?) throws -> TermFile {
        if let entity = data.range(of: Data("<!ENTITY".utf8)) {
            let line = data[..<entity.lowerBound].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw GlossaryError.file(path: path, line: line, message: "entity declarations are not accepted in TBX files")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let delegate = Delegate(path: path)
        parser.delegate = delegate
        // On Linux parse() can return true after libxml2 reported errors, so errors are
        // collected by the delegate as well.
        let ok = parser.parse()
        if let error = delegate.failure { throw error }
        if let first = delegate.xmlError ?? (ok ? nil : parser.parserError.map { ($0, parser.lineNumber) }) {
            throw GlossaryError.file(path: path, line: max(first.line, 1), message: "malformed XML (\(Self.describe(first.error)))")
        }
        guard delegate.sawRoot else { throw GlossaryError.fileLevel(path: path, message: "not a TBX file (no <tbx> or <martif> root)") }

        // The pair: the options, else the root's xml:lang as source and the other language.
        let languages = delegate.concepts.flatMap { $0.terms.map(\.language) }
        let source = sourceLanguage ?? delegate.rootLanguage ?? languages.first
        guard let source else { throw GlossaryError.fileLevel(path: path, message: "no language: give --source-lang and --target-lang") }
        var distinct: [String] = []
        for language in languages where !LanguageCode.matches(language, source) && !distinct.contains(language) { distinct.append(language) }
        guard let target = targetLanguage ?? distinct.first else {
            throw GlossaryError.fileLevel(path: path, message: "no target-language terms found (source \(source))")
        }
        if targetLanguage == nil && distinct.count > 1 {
            throw GlossaryError.fileLevel(path: path, message: "several target languages (\(distinct.joined(separator: ", "))); choose one with --target-lang")
        }

        var records: [TermRecord] = [], lines: [Int] = []
        for concept in delegate.concepts {
            let sources = concept.terms.filter { LanguageCode.matches($0.language, source) && $0.language.lowercased() == source.lowercased() }
            let targets = concept.terms.filter { $0.language.lowercased() == target.lowercased() }
            guard sources.count == 1, targets.count == 1 else {
                throw GlossaryError.file(path: path, line: concept.line, message: "expected one \(source) term and one \(target) term in the concept entry, found \(sources.count) and \(targets.count)")
            }
            let s = sources[0], t = targets[0]
            var properties = s.properties
            properties.merge(t.properties) { _, new in new }
            do {
                var priority: Int?
                if let text = properties["x-pmt-priority"] {
                    guard let value = Int(text) else { throw GlossaryError.invalidValue(field: "x-pmt-priority", value: text, message: "expected an integer") }
                    priority = value
                }
                var status = TermStatus.approved
                if let text = properties["administrativeStatus"] {
                    guard let value = TBXFormat.statusFromTBX[text] else {
                        throw GlossaryError.invalidValue(field: "administrativeStatus", value: text, message: "expected one of \(TBXFormat.statusFromTBX.keys.sorted().joined(separator: ", "))")
                    }
                    status = value
                }
                if s.text.isEmpty { throw GlossaryError.store("empty source term") }
                if t.text.isEmpty { throw GlossaryError.store("empty target term") }
                let record = TermRecord(
                    source: s.text, target: t.text, status: status,
                    caseSensitive: try FileBoolean.parse(properties["x-pmt-caseSensitive"] ?? "", field: "x-pmt-caseSensitive"),
                    matchMode: try properties["x-pmt-match"].map { try MatchMode.parse($0, field: "x-pmt-match") } ?? .inflected,
                    domain: concept.domain, priority: priority, note: concept.note, authority: properties["source"] ?? "")
                try record.validate()
                records.append(record)
                lines.append(concept.line)
            } catch let error as GlossaryError {
                throw GlossaryError.file(path: path, line: concept.line, message: "\(error)")
            }
        }
        return TermFile(path: path, sourceLanguage: source, targetLanguage: target, records: records, lines: lines)
    }

    static func describe(_ error: Error) -> String {
        let code = (error as NSError).code
        let known: [Int: String] = [4: "empty document", 5: "the document ends too early", 9: "invalid character", 23: "an entity reference is not closed",
                                    26: "undeclared entity", 38: "a tag is not closed", 39: "an attribute is not closed", 40: "'<' inside an attribute",
                                    41: "an attribute without a value", 64: "text or markup before the XML declaration",
                                    73: "'>' is missing", 76: "a closing tag does not match its opening tag", 85: "extra content after the root element"]
        return known[code].map { "\($0), parser code \(code)" } ?? "parser code \(code)"
    }

    final class Delegate: NSObject, XMLParserDelegate {
        let path: String
        var failure: GlossaryError?
        /// The first error libxml2 reported, with its line.
        var xmlError: (error: Error, line: Int)?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if xmlError == nil { xmlError = (parseError, parser.lineNumber) }
        }
        var sawRoot = false
        var rootLanguage: String?
        var concepts: [Concept] = []
        private var concept: Concept?
        private var language: String?
        private var term: (text: String, properties: [String: String], line: Int)?
        /// The element whose text is being collected and the property it fills.
        private var collecting: (element: String, key: String)?
        private var buffer = ""

        init(path: String) { self.path = path }

        private func fail(_ parser: XMLParser, _ message: String) {
            if failure == nil { failure = GlossaryError.file(path: path, line: parser.lineNumber, message: message) }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if collecting != nil { return fail(parser, "unexpected <\(name)> inside <\(collecting!.element)>") }
            switch name {
            case "tbx", "martif":
                sawRoot = true
                rootLanguage = attributes["xml:lang"]
            case "conceptEntry", "termEntry":
                if concept != nil { return fail(parser, "<\(name)> inside another concept entry") }
                concept = Concept(line: parser.lineNumber)
            case "langSec", "langSet":
                guard concept != nil else { return fail(parser, "<\(name)> outside a concept entry") }
                guard let lang = attributes["xml:lang"], !lang.isEmpty else { return fail(parser, "<\(name)> without xml:lang") }
                language = lang
            case "termSec", "tig", "ntig":
                guard language != nil else { return fail(parser, "<\(name)> outside a language section") }
                term = ("", [:], parser.lineNumber)
            case "term":
                guard term != nil else { return fail(parser, "<term> outside a term section") }
                collecting = (name, "term")
            case "descrip", "termNote", "admin", "note":
                guard concept != nil else { return }  // header notes
                collecting = (name, attributes["type"] ?? name)
            default:
                break
            }
            buffer = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if collecting != nil { buffer += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let (element, key) = collecting, element == name {
                collecting = nil
                if key == "term" {
                    term?.text = buffer
                } else if term != nil {
                    term?.properties[key] = buffer
                } else if key == "subjectField" {
                    concept?.domain = buffer
                } else if key == "note" {
                    concept?.note = buffer
                }
                return
            }
            switch name {
            case "termSec", "tig", "ntig":
                if let t = term, let language { concept?.terms.append((language, t.text, t.properties, t.line)) }
                term = nil
            case "langSec", "langSet":
                language = nil
            case "conceptEntry", "termEntry":
                if let c = concept { concepts.append(c) }
                concept = nil
            default:
                break
            }
        }
    }
}
