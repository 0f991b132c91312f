import CKernels

/// glibc keeps freed heap memory for reuse, and after the first large free it raises its
/// mmap threshold (up to 32 MiB), so loading's transient copies and a batch's buffers end
/// up in the heap and stay resident after they are freed (measured: 56 MiB above the
/// weights after loading the OPUS-MT-base-shaped model). A fixed 1 MiB threshold keeps
/// every large buffer (weights, logits, caches) in its own mapping, returned when freed;
/// a trim after loading gives back what the load left in the heap.
public enum MemoryRelease {
    public static let fixThreshold: Void = pmt_malloc_fix_mmap_threshold(1 << 20)

    public static func trim() { pmt_malloc_trim() }
}
