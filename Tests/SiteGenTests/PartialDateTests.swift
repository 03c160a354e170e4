import Testing
@testable import SiteGen

struct PartialDateTests {
    @Test func parsesEachPrecision() throws {
        #expect(try PartialDate.parse("1960-09-24").get().displayText == "24 September 1960")
        #expect(try PartialDate.parse("2012-03").get().displayText == "March 2012")
        #expect(try PartialDate.parse("2007").get().displayText == "2007")
        #expect(try PartialDate.parse("2012-03").get().description == "2012-03")
    }

    @Test func rejectsImpossibleDatesAndOtherFormats() {
        #expect(PartialDate.parse("2012-02-30") == .failure(.impossible))
        #expect(PartialDate.parse("2012-13") == .failure(.impossible))
        #expect(PartialDate.parse("2011-02-29") == .failure(.impossible))
        #expect((try? PartialDate.parse("2012-02-29").get()) != nil)
        #expect(PartialDate.parse("24/09/1960") == .failure(.format))
        #expect(PartialDate.parse("1960-9-24") == .failure(.format))
        #expect(PartialDate.parse("") == .failure(.format))
    }

    @Test func ordersChronologicallyWithCoarserDatesFirst() throws {
        let dates = try ["2012-03-22", "2012", "2012-03", "2007", "1960-09-24"].map { try PartialDate.parse($0).get() }
        #expect(dates.sorted().map(\.description) == ["1960-09-24", "2007", "2012", "2012-03", "2012-03-22"])
    }
}

