/// Which content paths may become output paths.
///
/// Output paths come from content paths, so a path that could climb out of the output folder, or
/// that names different files on different systems, is refused before anything is written.
public enum PathSafety {
    public static func problem(in path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.hasPrefix("/") { return "absolute path \(path) is not allowed; paths are relative to the content folder" }
        if path.utf8.contains(UInt8(ascii: "\\")) { return "path \(path) contains a backslash; use / between folders" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" }) { return "path contains a control character (or NUL byte)" }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty || component == "." || component == ".." {
                return "path \(path) contains an empty, `.` or `..` part; it would leave its folder"
            }
        }
        return nil
    }

    /// Why a content file's name cannot become a URL as it is, or nil: URLs come from file names, and
    /// only these characters need no escaping in an address.
    public static func urlProblem(in path: String) -> String? {
        let allowed = path.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./~".unicodeScalars.contains(scalar))
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
