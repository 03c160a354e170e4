/// Which content paths may become output paths.
///
/// Output paths come from content paths, so a path that could climb out of the output folder, or
/// that names different files on different systems, is refused before anything is written.
public enum PathSafety {
    public static func problem(in path: String) -> String? {
        if path.isEmpty { return "empty path" }
        // One pass over the bytes: every file of the site is checked.
        var bytes = path
        let (absolute, backslash, control, leavesFolder) = bytes.withUTF8 { bytes in
            var backslash = false, control = false, leavesFolder = false
            var partStart = 0
            for index in 0...bytes.count {
                let byte = index < bytes.count ? bytes[index] : UInt8(ascii: "/")
                if byte == UInt8(ascii: "\\") { backslash = true }
                if byte < 0x20 || byte == 0x7F { control = true }
                guard byte == UInt8(ascii: "/") else { continue }
                // A part that is empty, `.` or `..`.
                let part = UnsafeBufferPointer(rebasing: bytes[partStart..<index])
                if part.count <= 2, part.allSatisfy({ $0 == UInt8(ascii: ".") }) { leavesFolder = true }
                partStart = index + 1
            }
            return (bytes[0] == UInt8(ascii: "/"), backslash, control, leavesFolder)
        }
        if absolute { return "absolute path \(path) is not allowed; paths are relative to the content folder" }
        if backslash { return "path \(path) contains a backslash; use / between folders" }
        if control { return "path contains a control character (or NUL byte)" }
        if leavesFolder { return "path \(path) contains an empty, `.` or `..` part; it would leave its folder" }
        return nil
    }

    /// Why a content file's name cannot become a URL as it is, or nil: URLs come from file names, and
    /// only these characters need no escaping in an address.
    public static func urlProblem(in path: String) -> String? {
        // ASCII letters, digits and `-_./~`, tested on bytes: every file of the site passes here.
        let allowed = path.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
        return allowed ? nil : "the name \(path) would need escaping in a URL: rename it with letters, digits, - and _ only (for example \(suggestedName(path)))"
    }

    static func suggestedName(_ path: String) -> String {
        var name = ""
        for scalar in path.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./".unicodeScalars.contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.hasSuffix("-") {
                name += "-"
            }
        }
        return name
    }
}
