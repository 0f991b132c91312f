import Foundation

/// A short digest of a model folder: every file's name, size and modification time, and
/// the bytes of the small ones (configs, vocabularies, SentencePiece models). Changing or
/// replacing a model changes it, so the translation memory keeps results apart; computing
/// it reads no weights.
public enum ModelFingerprint {
    public static func of(_ folder: URL) throws -> String {
        var hasher = SHA256()
        let manager = FileManager.default
        let names = try manager.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names {
            let url = folder.appendingPathComponent(name)
            let attributes = try manager.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)
            guard (attributes[.type] as? FileAttributeType) == .typeRegular else { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            hasher.update(Data("\(name)\u{0}\(size)\u{0}\(modified)\u{0}".utf8))
            if size <= 4 << 20, let bytes = manager.contents(atPath: url.path) { hasher.update(bytes) }
        }
        return Hex.encode(hasher.finish().prefix(12))
    }
}
