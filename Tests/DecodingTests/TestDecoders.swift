import XCTest
@testable import Decoding

/// A decoder whose logits are a fixed function of each row's whole token history (decoder
/// start included), so a wrong `reorder` shows up as wrong logits. It records every call
/// so tests can check what the search fed it.
struct HistoryDecoder: StepDecoder {
    let vocabularySize: Int
    /// Logits of the next token after `history` (the decoder start first).
    let logitsFor: ([Int32]) -> [Float]
    private(set) var rows: [[Int32]]
    private(set) var stepRows: [Int] = []
    private(set) var reorders: [[Int]] = []

    init(vocabularySize: Int, sentences: Int, logitsFor: @escaping ([Int32]) -> [Float]) {
        self.vocabularySize = vocabularySize
        self.logitsFor = logitsFor
        rows = Array(repeating: [], count: sentences)
    }

    mutating func step(_ tokens: [Int32], logits: inout [Float]) throws {
        precondition(tokens.count == rows.count, "\(tokens.count) tokens for \(rows.count) rows")
        stepRows.append(rows.count)
        logits.removeAll(keepingCapacity: true)
        for (r, token) in tokens.enumerated() {
            rows[r].append(token)
            let row = logitsFor(rows[r])
            precondition(row.count == vocabularySize)
            logits.append(contentsOf: row)
        }
    }

    mutating func reorder(_ indices: [Int]) throws {
        reorders.append(indices)
        rows = indices.map { rows[$0] }
    }
}

/// Table 1 of CTranslate2MarkovReference.swift, 203 tokens: the generator's formula
/// (a multiplicative hash of the previous and next token, in 64ths; </s> gets +1.5).
func wideMarkovValue(_ previous: Int, _ next: Int) -> Float {
    var x = UInt32(truncatingIfNeeded: previous &* 1_000_003 &+ next &* 7_919 &+ 17)
    x ^= x >> 13
    x = x &* 0x5BD1_E995
    x ^= x >> 15
    var value = Float(Int(x % 641) - 400) / 64
    if next == 2 { value += 1.5 }
    return value
}

let wideMarkovTable: [[Float]] = (0..<203).map { p in (0..<203).map { wideMarkovValue(p, $0) } }

/// A first-order table decoder: logits = table[previous token].
func markovDecoder(_ table: [[Float]], sentences: Int) -> HistoryDecoder {
    HistoryDecoder(vocabularySize: table.count, sentences: sentences) { table[Int($0.last!)] }
}

struct MarkovCase: Sendable {
    let name: String
    let table: Int
    let prefixes: [[Int32]]?
    let options: @Sendable (inout SearchOptions) -> Void
    let expected: [[(tokens: [Int32], score: Float, eos: Bool)]]
}
