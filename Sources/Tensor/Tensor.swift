/// A dense row-major fp32 tensor. Storage is a Swift array; hot loops reach it through
/// `withUnsafeBufferPointer`/`withUnsafeMutableBufferPointer` scopes only.
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var storage: [Float]

    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    public init(shape: [Int], storage: [Float]) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not hold \(storage.count) values")
        self.shape = shape
        self.storage = storage
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// Rows and columns when the tensor is read as a matrix (all leading dimensions folded).
    public var matrixShape: (rows: Int, columns: Int) {
        let columns = shape.last ?? 1
        return (columns == 0 ? 0 : count / columns, columns)
    }

    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    public subscript(row row: Int, column column: Int) -> Float {
        get { storage[row * matrixShape.columns + column] }
        set { storage[row * matrixShape.columns + column] = newValue }
    }
}
