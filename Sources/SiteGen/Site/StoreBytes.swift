import Foundation

/// The bytes of a parse store, in memory of their own, made read-only once read. The documents taken from the
/// store keep slices of it (`StoreSlice`) for their HTML, decoded only for the pages rendered
/// (`DocumentText`), so the bytes live as long as one of those documents does.
///
/// Read with `read(2)`, not mapped: a mapped file cut short by another process while a build runs would stop
/// it with SIGBUS, and the store is data from the disk, never trusted. The pages are made at once
/// (`MAP_POPULATE`) rather than one fault at a time, as a store is about as large as the site's HTML.
final class StoreBytes: @unchecked Sendable {
    // Sendable: `buffer` is written only in the initialiser, read-only after, and freed with the last owner.
    let buffer: UnsafeRawBufferPointer
    private let mapping: (address: UnsafeMutableRawPointer, length: Int)?

    /// A file as it was on disk: which file, and its size and times.
    struct Identity: Sendable, Equatable {
        var device: UInt64, inode: UInt64, size: Int64
        var modified: Int, modifiedNanoseconds: Int, changed: Int, changedNanoseconds: Int

        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modified = status.st_mtim.tv_sec
            modifiedNanoseconds = status.st_mtim.tv_nsec
            changed = status.st_ctim.tv_sec
            changedNanoseconds = status.st_ctim.tv_nsec
        }
    }

    /// The file read, as it was when opened; nil for a copy.
    let identity: Identity?

    /// The plain file at `path` (a symbolic link is not followed); nil when it cannot be read whole.
    init?(reading path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        let size = Int(status.st_size)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = (size + page - 1) / page * page
        guard let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0), address != MAP_FAILED else { return nil }
        guard ContentLoader.read(descriptor, into: UnsafeMutableRawBufferPointer(start: address, count: size)) == size else {
            munmap(address, length)
            return nil
        }
        mprotect(address, length, PROT_READ)
        mapping = (address, length)
        buffer = UnsafeRawBufferPointer(start: address, count: size)
        identity = Identity(status)
    }

    /// A copy of `bytes`.
    init(copying bytes: some Collection<UInt8>) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 8)
        copy.copyBytes(from: bytes)
        buffer = UnsafeRawBufferPointer(rebasing: copy[..<bytes.count])
        mapping = nil
        identity = nil
    }

    deinit {
        if let mapping {
            munmap(mapping.address, mapping.length)
        } else {
            buffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
        }
    }
}

/// A range of a store's bytes, keeping them alive.
struct StoreSlice: Sendable {
    let owner: StoreBytes
    let range: Range<Int>

    init(_ owner: StoreBytes, _ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= owner.buffer.count, "a store slice out of its bytes")
        self.owner = owner
        self.range = range
    }

    init(copying bytes: some Collection<UInt8>) {
        let owner = StoreBytes(copying: bytes)
        self.init(owner, 0..<owner.buffer.count)
    }

    var count: Int { range.count }

    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(rebasing: owner.buffer[range]))
    }
}
