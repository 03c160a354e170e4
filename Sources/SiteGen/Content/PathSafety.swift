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
}
