import Foundation
import Preview
import SiteGen

// `sitegen serve` with the limits given on the command line, for the tests of hostile clients
// (PreviewServerTests): the server in its own process, as an editor runs it, but with timeouts of a second
// or two instead of the editor's ten and thirty.
//
//     sitegen-preview-harness HEADER_SECONDS IDLE_SECONDS CONNECTIONS [LIVE_RELOAD_SOCKETS]
let arguments = CommandLine.arguments.dropFirst().map { Int($0) ?? 0 }
guard arguments.count == 3 || arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: sitegen-preview-harness HEADER_SECONDS IDLE_SECONDS CONNECTIONS [LIVE_RELOAD_SOCKETS]\n".utf8))
    exit(2)
}
var limits = PreviewServer.Limits(headerTimeout: .seconds(arguments[0]), idleTimeout: .seconds(arguments[1]), connections: arguments[2])
if arguments.count == 4 { limits.liveReloadSockets = arguments[3] }
let server = PreviewServer(options: .init(build: BuildOptions(contentDirectory: "content", templatesDirectory: "templates"), port: 0, limits: limits)) { _, _ in }
let address = try await server.start()
FileHandle.standardOutput.write(Data("sitegen: serving \(address)\n".utf8))
while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
