// Front matter to FlatYAML and to Yams: any difference (other values, places or types, or FlatYAML reading
// what libyaml refuses) stops the run with the input saved.
@_spi(Testing) import SiteGen

func fuzzFrontMatter(_ bytes: UnsafeBufferPointer<UInt8>) {
    // Front matter reaches the readers as a String: bytes that are not UTF-8 are refused before.
    guard let yaml = String(validating: bytes, as: UTF8.self) else { return }
    if case .differs(let difference) = FlatYAMLAgreement.check(yaml) {
        fatalError("FlatYAML and Yams differ: \(difference)")
    }
}
