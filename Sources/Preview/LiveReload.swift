import Foundation
import HummingbirdWebSocket

/// What the preview server adds to each HTML page it serves (and `sitegen build` never writes): the live
/// reload script, and when the last rebuild failed, its errors.
enum LiveReload {
    /// Hears from the server what each rebuild changed, over one WebSocket per page, and then reloads the
    /// page if its own file, the overlay, or a file it may show (an image) changed; a stylesheet alone is
    /// swapped in place. A page learns of a rebuild only once the new site is published, so a reload never
    /// gets the old page. A WebSocket does not count against the browser's six connections per host, which
    /// a waiting request did: the seventh page open waited for the first page's wait to end. The socket is
    /// closed on `pagehide` (a page kept in the back/forward cache holds nothing) and opened again on
    /// `pageshow`, asking what changed since the page's rebuild. No external code; works offline.
    static func script(path: String, generation: Int) -> String {
        let pathLiteral = String(decoding: try! JSONSerialization.data(withJSONObject: [path]), as: UTF8.self)
        return """
            <script id="sitegen-live-reload">
            (() => {
              const page = \(pathLiteral)[0];
              let generation = \(generation);
              let socket = null;
              let retry = null;
              const quiet = (file) => file.endsWith(".html") || file.endsWith(".css") || file === "sitemap.xml" || file === "robots.txt";
              const apply = (update) => {
                const changed = update.changed || [];
                if (update.reload || update.overlay || changed.includes(page) || changed.some((file) => !quiet(file))) {
                  close();
                  location.reload();
                  return;
                }
                for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
                  const url = new URL(link.href);
                  if (changed.includes(decodeURIComponent(url.pathname.slice(1)))) {
                    url.searchParams.set("sitegen", String(update.generation));
                    link.href = url.href;
                  }
                }
                generation = update.generation;
              };
              const open = () => {
                if (socket) return;
                clearTimeout(retry);
                const url = new URL("\(PreviewHandler.eventsPath)?since=" + generation, location.href);
                url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
                socket = new WebSocket(url);
                socket.onmessage = (event) => apply(JSON.parse(event.data));
                // The server went away or restarts: ask again in a second.
                socket.onclose = () => { socket = null; retry = setTimeout(open, 1000); };
              };
              const close = () => {
                clearTimeout(retry);
                if (!socket) return;
                socket.onclose = null;
                socket.close();
                socket = null;
              };
              addEventListener("pagehide", close);
              addEventListener("pageshow", open);
              open();
            })();
            </script>

            """
    }

    /// The server's side of a page's WebSocket: what changed since the page's generation `since` at once if
    /// anything did, then what each rebuild changed as it is published, until the page closes the socket.
    static func connection(handler: PreviewHandler, since: Int) -> WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context> {
        { inbound, outbound, _ in
            // Listening before the current generation is read: a rebuild published in between is not missed.
            let rebuilds = handler.state.rebuilds()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var known = since
                    if handler.state.current.generation != known {
                        let (json, generation) = handler.update(after: known)
                        try await outbound.write(.text(json))
                        known = generation
                    }
                    for await generation in rebuilds where generation != known {
                        let (json, now) = handler.update(after: known)
                        try await outbound.write(.text(json))
                        known = now
                    }
                }
                // The page says nothing; its socket's end (a closed tab, `pagehide`) ends the loop above too.
                for try await _ in inbound {}
                group.cancelAll()
            }
        }
    }

    /// The errors of a failed rebuild over the page, in the HTML itself so it shows without JavaScript; the
    /// last good page stays underneath.
    static func overlay(_ errors: String) -> String {
        """
        <div id="sitegen-errors" role="alert" style="position:fixed;top:0;left:0;right:0;max-height:80vh;overflow:auto;\
        z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #c62828;\
        box-shadow:0 4px 16px rgba(0,0,0,.3);font:15px/1.45 system-ui,sans-serif">
        <p style="margin:0 0 .5rem;font-weight:700;color:#b71c1c">sitegen: the last edit does not build. \
        This is the last good version of the page; fix the error and it reloads by itself.</p>
        <pre style="margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#1a1a1a">\(escape(errors))</pre>
        </div>

        """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// The page with the script before `</body>` and the overlay right after `<body …>`.
    static func inject(into bytes: [UInt8], path: String, generation: Int, errors: String?) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 2048)
        let script = Array(script(path: path, generation: generation).utf8)
        let bodyEnd = lastRange(of: Array("</body>".utf8), in: bytes) ?? bytes.count
        var bodyStart = 0
        if errors != nil, let open = firstRange(of: Array("<body".utf8), in: bytes),
           let close = bytes[open...].firstIndex(of: UInt8(ascii: ">")), close < bodyEnd {
            bodyStart = close + 1
            if bodyStart < bytes.count, bytes[bodyStart] == UInt8(ascii: "\n") { bodyStart += 1 }
        }
        result.append(contentsOf: bytes[..<bodyStart])
        if let errors { result.append(contentsOf: overlay(errors).utf8) }
        result.append(contentsOf: bytes[bodyStart..<bodyEnd])
        result.append(contentsOf: script)
        result.append(contentsOf: bytes[bodyEnd...])
        return result
    }

    private static func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] && bytes[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func lastRange(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        for start in stride(from: bytes.count - needle.count, through: 0, by: -1)
        where bytes[start] == needle[0] && bytes[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
