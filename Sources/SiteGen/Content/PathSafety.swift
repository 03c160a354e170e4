/// Which content paths may become output paths.
///
/// Output paths come from content paths, so a path that could climb out of the output folder, or
/// that names different files on different systems, is refused before anything is written.
public enum PathSafety {
    public static func problem(in path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.hasPrefix("/") { return "absolute path \(path) is not allowed; paths are relative to the content folder" }
        if path.utf8.contains(UInt8(ascii: "\\")) { return "path \(path) contains a backslash; use / between folders" }
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "path contains a control character (or NUL byte)" }
        for component in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if component.isEmpty || component.elementsEqual(".".utf8) || component.elementsEqual("..".utf8) {
                return "path \(path) contains an empty, `.` or `..` part; it would leave its folder"
            }
        }
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
