#if canImport(Glibc)
import Glibc
#endif

/// Standard output and standard error, written with plain system calls. Foundation's `FileHandle.write`
/// stops the process (a `try!` inside it) when the stream is closed or its pipe has gone away; a closed log
/// is no reason for a build or a preview server to stop, so what cannot be written is dropped.
public enum StandardStream {
    case output, error

    private var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let written = Glibc.write(descriptor, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                return  // closed, or its reader gone (EBADF, EPIPE with SIGPIPE ignored): dropped
            }
            next += written
            left -= written
        }
    }
}
