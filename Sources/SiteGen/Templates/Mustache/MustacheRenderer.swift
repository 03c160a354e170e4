/// Renders parsed templates into one byte buffer: names are looked up on typed values, text is copied as
/// bytes, and values are HTML-escaped byte by byte as they are appended.
struct MustacheRenderer {
    let partials: [String: MustacheTemplate]
    private(set) var output: [UInt8] = []
    /// Whether the last byte written ends a line (or nothing was written): a partial's indentation goes there.
    private var atLineStart = true
    private var stack: [TemplateValue] = []
    /// The indentation of the partials being rendered, given to each line they write.
    private var indentation: [UInt8] = []

    init(partials: [String: MustacheTemplate], capacity: Int = 0) {
        self.partials = partials
        output.reserveCapacity(capacity)
    }

    /// Renders `template` with `context` at the bottom of the context stack, appending to `output`.
    mutating func render(_ template: MustacheTemplate, context: TemplateValue) {
        stack = [context]
        render(template.steps)
        stack = []
    }

    private mutating func render(_ template: MustacheSteps) {
        template.text.withUnsafeBufferPointer { text in
            template.keys.withUnsafeBufferPointer { keys in
                render(template, Borrowed(text: text, keys: keys), steps: 0..<template.steps.count)
            }
        }
    }

    /// A template's bytes and names, borrowed once for the whole template: its steps' ranges index them. Made
    /// only by `render(_:)` above, inside the closures that borrow the arrays, and valid only until they return.
    private struct Borrowed {
        let text: UnsafeBufferPointer<UInt8>
        let keys: UnsafeBufferPointer<TemplateKey>
    }

    /// Renders `template.steps[steps]`.
    private mutating func render(_ template: MustacheSteps, _ borrowed: Borrowed, steps: Range<Int>) {
        var index = steps.lowerBound
        while index < steps.upperBound {
            let step = template.steps[index]
            index += 1
            switch step {
            case .text(let bytes):
                write(UnsafeBufferPointer(rebasing: borrowed.text[bytes]))
            case .variable(let name, let escaped):
                guard let value = lookUp(UnsafeBufferPointer(rebasing: borrowed.keys[name])) else { continue }
                interpolate(value, escaped: escaped)
            case .section(let name, let inverted, let end):
                let children = index..<end
                index = end
                let value = lookUp(UnsafeBufferPointer(rebasing: borrowed.keys[name]))
                if inverted {
                    if value?.isFalsey ?? true { render(template, borrowed, steps: children) }
                    continue
                }
                guard let value, !value.isFalsey else { continue }
                switch value {
                case .flag:
                    render(template, borrowed, steps: children)
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(template, borrowed, steps: children)
                        stack.removeLast()
                    }
                default:
                    stack.append(value)
                    render(template, borrowed, steps: children)
                    stack.removeLast()
                }
            case .partial(let name, let own):
                // A partial that does not exist renders nothing, as the specification says; `TemplateSet`
                // refuses such templates before anything is rendered.
                guard let partial = partials[template.partialNames[name]] else { continue }
                if own.isEmpty {
                    render(partial.steps)
                } else {
                    let outer = indentation
                    indentation += borrowed.text[own]
                    render(partial.steps)
                    indentation = outer
                }
            }
        }
    }

    /// The value a name stands for (its parts; none for `.`): its first part is looked for from the top of
    /// the stack down, the rest inside what was found. A value that has the first part but not the rest is nothing.
    private func lookUp(_ parts: UnsafeBufferPointer<TemplateKey>) -> TemplateValue? {
        guard !parts.isEmpty else { return stack.last }
        var found: TemplateValue?
        var index = stack.count - 1
        while index >= 0 {
            if let inside = stack[index].value(named: parts[0]) {
                found = inside
                break
            }
            index -= 1
        }
        guard var current = found else { return nil }
        for part in parts.dropFirst() {
            guard let next = current.value(named: part) else { return nil }
            current = next
        }
        return current
    }

    private mutating func interpolate(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .text(let text):
            var text = text
            text.withUTF8 { bytes in append(bytes, escaped: escaped) }
        case .utf8(let bytes):
            bytes.withUnsafeBufferPointer { append($0, escaped: escaped) }
        case .flag(let flag):
            append(flag ? "true" : "false")
        case .integer(let number):
            append(String(number))
        case .decimal(let number):
            append(String(describing: number))
        case .list, .dictionary, .object, .null:
            break  // nothing to show
        }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0, escaped: false) }
    }

    /// A value's bytes: indented as a whole if it starts a line of a partial, never line by line.
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool) {
        guard !bytes.isEmpty else { return }
        if atLineStart, !indentation.isEmpty { output += indentation }
        if escaped { HTMLEscaping.append(bytes, to: &output) } else { output.append(contentsOf: bytes) }
        atLineStart = bytes.last == UInt8(ascii: "\n")
    }

    /// A template's own text: each of its lines indented inside an indented partial.
    private mutating func write(_ text: UnsafeBufferPointer<UInt8>) {
        guard !text.isEmpty else { return }
        if indentation.isEmpty {
            output += text
            atLineStart = text.last == UInt8(ascii: "\n")
            return
        }
        var start = 0
        while start < text.count {
            let end = (text[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? text.count
            if atLineStart { output += indentation }
            output += UnsafeBufferPointer(rebasing: text[start..<end])
            atLineStart = text[end - 1] == UInt8(ascii: "\n")
            start = end
        }
    }
}
