import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders and everything below them, and reports each burst of changes once.
///
/// Behind this small interface is Linux's inotify: one watch per folder (inotify does not recurse), a
/// watch added for each folder that appears, and a burst of events (an editor's save is often several:
/// a temporary file written, renamed over the old one, its mode set) gathered until the file system has
/// been quiet for `quiet` seconds. When the kernel's queue overflows, what changed is unknown and the
/// report says so; the site is then read again whole.
///
/// A watched folder itself may go and come back (deleted and restored, renamed away and back, replaced by a
/// copy): a watch follows a folder's inode, not its path, so the folder each root is in is watched too, for
/// that root's name only. Any change of a root as a whole drops its watches, watches the folder now at its
/// path from scratch, and is reported as unknown: the site is read again whole.
public final class FileWatcher: @unchecked Sendable {
    private let descriptor: Int32
    /// The folder each watch descriptor watches.
    private var folders: [Int32: String] = [:]
    private let roots: [String]
    /// The folder each root is in, by watch descriptor (only events naming a root matter there).
    private var parents: [Int32: String] = [:]
    private let quiet: Double
    private let longest: Double
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    private static let mask: UInt32 = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
        | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) | UInt32(IN_ONLYDIR)

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - quiet: how long the file system stays quiet before a burst is reported.
    ///   - longest: a burst is reported after this long even if events keep coming.
    public init(folders roots: [String], quiet: Double = 0.03, longest: Double = 0.3) throws {
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else { throw Failure(description: "cannot watch files: inotify_init1: \(String(cString: strerror(errno)))") }
        self.quiet = quiet
        self.longest = longest
        self.roots = roots
        for root in roots {
            let parent = (root as NSString).deletingLastPathComponent
            let watch = inotify_add_watch(descriptor, parent, Self.parentMask)
            if watch >= 0 { parents[watch] = parent }
            try watchTree(root)
        }
    }

    private static let parentMask: UInt32 = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) | UInt32(IN_ONLYDIR)

    /// Drops the watches of `root` and below, and watches what is at its path now.
    private func rewatch(_ root: String) {
        for (watch, folder) in folders where folder == root || folder.hasPrefix(root + "/") {
            inotify_rm_watch(descriptor, watch)
            folders[watch] = nil
        }
        try? watchTree(root)
    }

    deinit { close(descriptor) }

    /// Adds a watch on `folder` and every folder below it.
    private func watchTree(_ folder: String) throws {
        var pending = [folder]
        while let next = pending.popLast() {
            let watch = inotify_add_watch(descriptor, next, Self.mask)
            if watch < 0 {
                if errno == ENOSPC {
                    throw Failure(description: "cannot watch \(next): the limit of inotify watches is reached (raise fs.inotify.max_user_watches)")
                }
                continue  // gone meanwhile, or not a folder
            }
            folders[watch] = next
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: next) else { continue }
            for name in names {
                var status = stat()
                let path = next + "/" + name
                if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { pending.append(path) }
            }
        }
    }

    /// Waits for the next burst of changes; nil when `stop` says to end. Polls `stop` every `tick` seconds.
    public func next(stop: () -> Bool, tick: Double = 0.1) -> Changes? {
        var changed = Set<String>()
        var unknown = false
        var first: Double?
        while true {
            if stop() { return nil }
            let now = Self.seconds()
            let wait: Double
            if let first {
                wait = min(quiet, max(0, first + longest - now))
            } else {
                wait = tick
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(wait * 1000))
            if ready < 0, errno != EINTR { return nil }
            if ready <= 0 {
                // Quiet for `quiet`, or the burst has lasted `longest`: report it.
                if first != nil { return unknown ? .unknown : .files(changed) }
                continue
            }
            if first == nil { first = now }
            if readEvents(into: &changed) { unknown = true }
            if let first, Self.seconds() - first >= longest { return unknown ? .unknown : .files(changed) }
        }
    }

    public enum Changes: Sendable, Equatable {
        /// The kernel dropped events: anything may have changed.
        case unknown
        /// These paths were made, written, removed or renamed (folders included).
        case files(Set<String>)
    }

    /// Reads what is waiting; true when what changed is unknown: the kernel's queue overflowed, or a root
    /// changed as a whole.
    private func readEvents(into changed: inout Set<String>) -> Bool {
        var overflowed = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return overflowed }
            var offset = 0
            var newFolders: [String] = []
            var changedRoots: [String] = []
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    var name = ""
                    if event.len > 0 {
                        let bytes = raw[nameStart..<min(count, nameStart + Int(event.len))]
                        name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                    }
                    offset = nameStart + Int(event.len)
                    if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                        overflowed = true
                        continue
                    }
                    if let parent = parents[event.wd], !name.isEmpty, roots.contains(parent + "/" + name) {
                        changedRoots.append(parent + "/" + name)
                    }
                    if event.mask & UInt32(IN_IGNORED) != 0 {
                        folders[event.wd] = nil
                        continue
                    }
                    guard let folder = folders[event.wd] else { continue }
                    if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0, roots.contains(folder) {
                        changedRoots.append(folder)
                    }
                    let path = name.isEmpty ? folder : folder + "/" + name
                    changed.insert(path)
                    if event.mask & UInt32(IN_ISDIR) != 0, event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        newFolders.append(path)
                    }
                }
            }
            for root in changedRoots {
                rewatch(root)
                overflowed = true
            }
            // A folder that appears may already hold files (made with it, or moved in): they are reported too.
            for folder in newFolders {
                try? watchTree(folder)
                if let enumerator = FileManager.default.enumerator(atPath: folder) {
                    while let relative = enumerator.nextObject() as? String { changed.insert(folder + "/" + relative) }
                }
            }
        }
    }

    private static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
