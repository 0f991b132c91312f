import Foundation

/// `.safetensors` (Hugging Face): an 8-byte little-endian header length, a JSON header of
/// `{name: {dtype, shape, data_offsets}}` plus `__metadata__`, then the data. Opening parses
/// and checks the header against the file; sharded checkpoints are read through
/// `model.safetensors.index.json` (`weight_map`).
extension MappedWeights {
    /// The format's own limit on the JSON header (100 MB).
    static let maximumSafetensorsHeader = 100_000_000

    public static func openSafetensors(_ url: URL) throws -> MappedWeights {
        let file = try MappedFile(path: url.path)
        let (entries, metadata) = try readSafetensors(file, index: 0)
        return MappedWeights(format: .safetensors, location: file.path, files: [file], entries: entries, metadata: metadata)
    }

    /// Opens every shard named by a `*.safetensors.index.json` and checks that each tensor of its
    /// `weight_map` is in the shard the map names.
    public static func openSafetensorsIndex(_ url: URL) throws -> MappedWeights {
        let indexPath = url.path
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw WeightFileError.unreadable(file: indexPath, reason: "no such file or not readable")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WeightFileError.corrupt(file: indexPath, problem: "not a JSON object")
        }
        guard let map = json["weight_map"] as? [String: Any] else {
            throw WeightFileError.corrupt(file: indexPath, problem: "no 'weight_map' object")
        }
        var shardNames: [String] = []
        var weightMap: [String: String] = [:]
        for (tensor, value) in map {
            guard let shard = value as? String, !shard.isEmpty, !shard.hasPrefix("/") else {
                throw WeightFileError.corruptTensor(file: indexPath, tensor: tensor, problem: "weight_map value is not a shard file name")
            }
            weightMap[tensor] = shard
            if !shardNames.contains(shard) { shardNames.append(shard) }
        }
        shardNames.sort()
        let folder = url.deletingLastPathComponent()
        var files: [MappedFile] = []
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (i, shard) in shardNames.enumerated() {
            let shardURL = folder.appendingPathComponent(shard)
            guard FileManager.default.fileExists(atPath: shardURL.path) else {
                let example = weightMap.first { $0.value == shard }?.key ?? ""
                throw WeightFileError.missingTensor(file: shardURL.path, tensor: example, reason: "the shard file named by \(indexPath) does not exist")
            }
            let file = try MappedFile(path: shardURL.path)
            let (shardEntries, shardMetadata) = try readSafetensors(file, index: i)
            for (name, entry) in shardEntries {
                if entries[name] != nil { throw WeightFileError.duplicateTensor(file: file.path, tensor: name) }
                entries[name] = entry
            }
            metadata.merge(shardMetadata) { first, _ in first }
            files.append(file)
        }
        for (tensor, shard) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let entry = entries[tensor], files[entry.file].path.hasSuffix("/" + shard) || files[entry.file].path == shard else {
                throw WeightFileError.missingTensor(file: folder.appendingPathComponent(shard).path, tensor: tensor,
                                                    reason: "\(url.lastPathComponent) maps it to this shard")
            }
        }
        return MappedWeights(format: .shardedSafetensors, location: indexPath, files: files, entries: entries, metadata: metadata)
    }

    static func readSafetensors(_ file: MappedFile, index: Int) throws -> ([String: Entry], [String: String]) {
        let path = file.path
        guard file.size >= 8 else {
            throw WeightFileError.corrupt(file: path, problem: file.size == 0 ? "the file is empty" : "the file (\(file.size) bytes) is shorter than the 8-byte header length")
        }
        let headerLength = file.littleEndian(at: 0, width: 8)
        guard headerLength <= UInt64(file.size - 8) else {
            throw WeightFileError.corrupt(file: path, problem: "the JSON header of \(headerLength) bytes runs past the end of the file (\(file.size) bytes): truncated or not a safetensors file")
        }
        guard headerLength <= UInt64(maximumSafetensorsHeader), headerLength >= 2 else {
            throw WeightFileError.corrupt(file: path, problem: "header length \(headerLength) is outside 2 … \(maximumSafetensorsHeader) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = file.bytes(8..<dataStart)
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw WeightFileError.corrupt(file: path, problem: "the header does not start with '{'")
        }
        let json: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
                throw WeightFileError.corrupt(file: path, problem: "the header is not a JSON object")
            }
            json = object
        } catch let error as WeightFileError {
            throw error
        } catch {
            throw WeightFileError.corrupt(file: path, problem: "the header is not valid JSON: \(error.localizedDescription)")
        }
        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        let dataSize = file.size - dataStart
        for (name, value) in json {
            if name == "__metadata__" {
                guard let object = value as? [String: Any] else {
                    throw WeightFileError.corrupt(file: path, problem: "__metadata__ is not an object")
                }
                for (key, value) in object {
                    guard let string = value as? String else {
                        throw WeightFileError.corrupt(file: path, problem: "__metadata__ value of '\(key)' is not a string")
                    }
                    metadata[key] = string
                }
                continue
            }
            func corrupt(_ problem: String) -> WeightFileError { .corruptTensor(file: path, tensor: name, problem: problem) }
            guard let fields = value as? [String: Any] else { throw corrupt("its header entry is not an object") }
            guard let dtypeName = fields["dtype"] as? String else { throw corrupt("no 'dtype' string") }
            guard let dtype = WeightDType(rawValue: dtypeName) else {
                throw WeightFileError.unsupportedDType(file: path, tensor: name, dtype: dtypeName, problem: "not a safetensors dtype this reader knows")
            }
            guard let shapeValues = fields["shape"] as? [Any] else { throw corrupt("no 'shape' list") }
            var shape: [Int] = []
            for dimension in shapeValues {
                guard let n = jsonInteger(dimension), n >= 0 else { throw corrupt("shape \(shapeValues) is not a list of non-negative integers") }
                shape.append(n)
            }
            guard let offsets = fields["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = jsonInteger(offsets[0]), let end = jsonInteger(offsets[1]), begin >= 0, begin <= end else {
                throw corrupt("'data_offsets' is not [begin, end] with 0 ≤ begin ≤ end")
            }
            guard let bytes = SizeMath.byteCount(shape, width: dtype.byteWidth) else {
                throw corrupt("shape \(WeightFileError.format(shape)) overflows")
            }
            guard end - begin == bytes else {
                throw corrupt("shape \(WeightFileError.format(shape)) of \(dtypeName) needs \(bytes) bytes but data_offsets [\(begin), \(end)] span \(end - begin)")
            }
            guard end <= dataSize else {
                throw WeightFileError.truncated(file: path, tensor: name, problem: "its data ends at byte \(dataStart + end) but the file has \(file.size) bytes")
            }
            entries[name] = Entry(file: index, range: (dataStart + begin)..<(dataStart + end), dtype: dtype, shape: shape, zipMember: nil)
        }
        let sorted = entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.value.range.upperBound > b.value.range.lowerBound {
            throw WeightFileError.corruptTensor(file: path, tensor: b.key, problem: "its data overlaps tensor '\(a.key)'")
        }
        return (entries, metadata)
    }
}

/// An integral JSON number (JSONSerialization gives NSNumber; fractions are not integers).
func jsonInteger(_ value: Any) -> Int? {
    if let n = value as? Int { return n }
    if let d = value as? Double, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
    return nil
}
