import Foundation
import Testing
@testable import SiteGen

/// The rules that make a word a term, in Swift and in the reader's script alike.
struct SearchTextTests {
    @Test func foldsCaseAndDiacritics() {
        #expect(SearchText.fold("Keïta") == "keita")
        #expect(SearchText.fold("Konaré") == "konare")
        #expect(SearchText.fold("ÉTATS-UNIS") == "etats-unis")
        #expect(SearchText.words(in: "Modibo Keïta") == SearchText.words(in: "modibo KEITA"))
    }

    @Test func wordsAreRunsOfLettersAndDigits() {
        #expect(SearchText.words(in: "Mali's U.S. visa-bond, 1960! (2012–2013) Touré") ==
                ["mali", "s", "u", "s", "visa", "bond", "1960", "2012", "2013", "toure"])
        #expect(SearchText.words(in: "") == [])
        #expect(SearchText.words(in: "…—") == [])
    }

    @Test func stemsPluralsAndEndings() {
        let stems = ["visits": "visit", "visited": "visit", "visiting": "visit", "visit": "visit",
                     "embassies": "embassi", "embassy": "embassi", "relations": "relation", "caresses": "caress",
                     "agreed": "agree", "hopping": "hop", "hoping": "hope", "coups": "coup", "bonds": "bond",
                     "1960": "1960", "keita": "keita", "mcc": "mcc", "sized": "size", "filing": "file", "happy": "happi"]
        for (word, stem) in stems { #expect(SearchText.stem(word) == stem, "\(word)") }
    }

    @Test func stopWordsAndSingleLettersAreNoTerms() {
        #expect(SearchText.term("the") == nil)
        #expect(SearchText.term("s") == nil)
        #expect(SearchText.term("5") == "5")
        #expect(SearchText.term("visits") == "visit")
    }

    /// The browser makes the same terms from the same words: search.js run by Node on a word list.
    @Test func theReadersScriptMakesTheSameTerms() throws {
        guard let node = ["/usr/bin/node", "/usr/local/bin/node"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("Node is needed to run templates/assets/search.js")
            return
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates/assets/search.js")
        let text = """
            Visits visited visiting VISITOR embassies Embassy relations caresses agreed feed hopping hoping sized filing \
            happy sky coups bonds Keïta Konaré Touré Bamako MCC 1960 2012-03-22 U.S. Mali's Albright's ambassadors \
            chargé d'affaires agreement troubled conflated controlling rolled hissing fizzed failing filing motoring \
            sing ring bled generalization probate rate cease plastered motored crying Ærø İstanbul ﬁle ΚΑΛΗ Дом
            """
        let swift = SearchText.words(in: text).map { SearchText.term($0) ?? "-" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = ["-e", """
            require(process.argv[1]);
            const s = globalThis.sitegenSearch;
            console.log(JSON.stringify(s.words(process.argv[2]).map(w => s.term(w) ?? "-")));
            """, script.path, text]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let javascript = try JSONDecoder().decode([String].self, from: output)
        #expect(javascript == swift)
        #expect(swift.count > 60)
    }
}
