/// HTML escaping on bytes: `&`, `<`, `>`, `"` and `'`, for HTML text and attribute values.
///
/// Byte by byte, never by Character: a quote followed by a combining mark (`"\u{301}`) is one Character,
/// and an escaper that compares Characters lets it through, so a title could end the attribute it is
/// written into.
enum HTMLEscaping {
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// Appends `bytes` to `output`, escaped.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var copied = 0
        for (index, byte) in bytes.enumerated() where isSpecial(byte) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
            switch byte {
            case UInt8(ascii: "&"): output += "&amp;".utf8
            case UInt8(ascii: "<"): output += "&lt;".utf8
            case UInt8(ascii: ">"): output += "&gt;".utf8
            case UInt8(ascii: "\""): output += "&quot;".utf8
            default: output += "&#39;".utf8
            }
            copied = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
    }
}

extension String {
    /// The text with `&`, `<`, `>`, `"` and `'` escaped, for HTML text and attribute values.
    public var htmlEscaped: String {
        var text = self
        return text.withUTF8 { bytes in
            guard bytes.contains(where: HTMLEscaping.isSpecial) else { return self }  // ids, slugs, most titles
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + 16)
            HTMLEscaping.append(bytes, to: &escaped)
            return String(decoding: escaped, as: UTF8.self)
        }
    }
}
