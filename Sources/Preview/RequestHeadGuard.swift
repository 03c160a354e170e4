import NIOCore

/// The first handler of each connection, in front of the HTTP parser: a request line or a head longer than
/// the limits is answered 414 or 431 and the connection closed, and a head that is not complete within the
/// header timeout (a client that sends nothing, or a byte now and then) is answered 408 and closed.
///
/// One pass over the bytes as they come, with the current head kept (at most `head` bytes): no step grows
/// with the square of a length, and the parser behind it never sees a head above the limits. A request's
/// body (`Content-Length`) is let through uncounted; after a head with `Transfer-Encoding` (a body of
/// unknown length) or `Upgrade` (the live-reload WebSocket) the rest of the connection is let through,
/// bounded then by the parser's own limits and the idle timeout.
final class RequestHeadGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limits: PreviewServer.Limits
    private enum Mode {
        case head
        case body(remaining: Int)
        case passthrough
        /// Answered and closing: what comes is dropped.
        case refused
    }
    private var mode = Mode.head
    private var head: [UInt8] = []
    private var requestLineEnded = false
    /// Lines of the head so far (each ends with a line feed), to bound the number of header fields.
    private var headLines = 0
    private var timer: Scheduled<Void>?
    /// Kept for `refuseInvalidHead`, which the handler at the pipeline's end calls.
    private var context: ChannelHandlerContext?

    init(limits: PreviewServer.Limits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        self.context = nil
    }

    /// The parser refused the first request's head (a bare CR in its target, say): answered 400 and closed
    /// like a head over the limits. Before the first request nothing else would answer or close it.
    func refuseInvalidHead() {
        guard let context else { return }
        if case .refused = mode { return }
        refuse(context, "400 Bad Request", because: "the request line or a header field is not valid HTTP/1.1.")
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        switch mode {
        case .passthrough:
            context.fireChannelRead(data)
            return
        case .refused:
            return
        case .head, .body:
            break
        }
        let refusal: (status: String, forwarded: Int)? = buffer.withUnsafeReadableBytes { scan($0) }
        if let refusal {
            if refusal.forwarded > 0, let before = buffer.getSlice(at: buffer.readerIndex, length: refusal.forwarded) {
                context.fireChannelRead(wrapInboundOut(before))
            }
            refuse(context, refusal.status)
            return
        }
        context.fireChannelRead(data)
        // A head begun and not finished has until the timeout; between requests the idle timeout applies.
        if case .head = mode, !head.isEmpty { arm(context) } else { disarm() }
    }

    /// Follows `bytes` through heads and bodies; the refusal and how many bytes before the refused head
    /// are still passed on, or nil when all of them are.
    private func scan(_ bytes: UnsafeRawBufferPointer) -> (status: String, forwarded: Int)? {
        var index = 0
        var headStart = 0
        while index < bytes.count {
            switch mode {
            case .passthrough, .refused:
                return nil
            case .body(let remaining):
                let skipped = min(remaining, bytes.count - index)
                index += skipped
                mode = remaining == skipped ? .head : .body(remaining: remaining - skipped)
                headStart = index
            case .head:
                let byte = bytes[index]
                index += 1
                // Empty lines before a request line are allowed (RFC 9112 §2.2) and not part of the head.
                if head.isEmpty, byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    headStart = index
                    continue
                }
                head.append(byte)
                if !requestLineEnded {
                    if byte == UInt8(ascii: "\n") {
                        requestLineEnded = true
                    } else if head.count > limits.requestLine {
                        return ("414 URI Too Long", headStart)
                    }
                }
                if head.count > limits.head { return ("431 Request Header Fields Too Large", headStart) }
                if byte == UInt8(ascii: "\n") {
                    headLines += 1
                    // The request line, the fields, and the empty line that ends them.
                    if headLines > limits.fields + 2 { return ("431 Request Header Fields Too Large", headStart) }
                }
                if byte == UInt8(ascii: "\n"), headEnded() {
                    mode = modeAfterHead()
                    head.removeAll(keepingCapacity: true)
                    headLines = 0
                    requestLineEnded = false
                    headStart = index
                }
            }
        }
        return nil
    }

    /// The head ends with an empty line: `\n\n` or `\n\r\n`.
    private func headEnded() -> Bool {
        let count = head.count
        guard count >= 2 else { return false }
        if head[count - 2] == UInt8(ascii: "\n") { return true }
        return count >= 3 && head[count - 2] == UInt8(ascii: "\r") && head[count - 3] == UInt8(ascii: "\n")
    }

    /// What follows the head just ended, from its `Content-Length`, `Transfer-Encoding` and `Upgrade` fields.
    private func modeAfterHead() -> Mode {
        var length = 0
        for line in head.split(separator: UInt8(ascii: "\n")).dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            switch name {
            case "upgrade", "transfer-encoding": return .passthrough
            case "content-length":
                // Not a number: the parser refuses the request, and nothing after it is read.
                guard let declared = Int(value), declared >= 0 else { return .passthrough }
                length = declared
            default: continue
            }
        }
        return length > 0 ? .body(remaining: length) : .head
    }

    /// Answers `status` and closes: the output at once, the input once the client has read the answer and
    /// closed its side (closing both at once would reset the connection, and the client could lose the answer).
    private func refuse(_ context: ChannelHandlerContext, _ status: String, because reason: String? = nil) {
        mode = .refused
        head = []
        let text = "\(status.drop { $0 != " " }.dropFirst()): " + (reason ?? "the preview server takes request lines of at most \(limits.requestLine) bytes, "
            + "heads of at most \(limits.head) bytes and \(limits.fields) header fields, sent within \(limits.headerTimeout.components.seconds) s.") + "\n"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(text.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + text
        let loop = context.eventLoop.assumeIsolated()
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
        disarm()
        timer = loop.scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.headerTimeout)) { [self] in
            timer = nil
            refuse(context, "408 Request Timeout")
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// At the pipeline's end until the parser has accepted a first head: a parse error before that is answered
/// by `RequestHeadGuard` (later ones Hummingbird answers itself).
final class FirstHeadErrors: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let headGuard: RequestHeadGuard

    init(_ headGuard: RequestHeadGuard) { self.headGuard = headGuard }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        headGuard.refuseInvalidHead()
        context.fireErrorCaught(error)
    }
}
