import Foundation

/// Work spread over a fixed number of threads, results in input order whatever the timing.
enum Parallel {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], jobs: Int, _ transform: @Sendable (Input) -> Output) -> [Output] {
        let results = ResultSlots<Output>(count: inputs.count)
        let workers = max(1, min(jobs, inputs.count))
        if workers == 1 {
            return inputs.map(transform)
        }
        // The inputs in one share per worker, each worker starting on its own and then helping with the
        // others'; slots are written once each, so order is the input's. Workers far apart in the list work
        // on different parts of the site: making folders, two threads in one parent folder wait for each
        // other's lock on it.
        let shareSize = (inputs.count + workers - 1) / workers
        let next = (0..<workers).map { _ in AtomicCounter() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for share in (0..<workers).map({ (worker + $0) % workers }) {
                let start = share * shareSize, end = min(start + shareSize, inputs.count)
                while true {
                    let index = start + next[share].increment()
                    guard index < end else { break }
                    results.set(index, transform(inputs[index]))
                }
            }
        }
        return results.values
    }

    /// Two independent pieces of work at once.
    static func both<First: Sendable, Second: Sendable>(_ first: @Sendable () -> First, _ second: @Sendable () -> Second) -> (First, Second) {
        let firstResult = ResultSlots<First>(count: 1), secondResult = ResultSlots<Second>(count: 1)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { firstResult.set(0, first()) } else { secondResult.set(0, second()) }
        }
        return (firstResult.values[0], secondResult.values[0])
    }
}

/// Work started now on a thread of its own, its result waited for where it is needed: for work whose input is
/// known early and whose result is needed later, while this thread does something else.
final class Pending<Value: Sendable>: @unchecked Sendable {
    // Unchecked: `result` is written once, before `done` is signalled, and read only after waiting for it.
    private let done = DispatchSemaphore(value: 0)
    private var result: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            result = work()
            done.signal()
        }
    }

    /// The result, once the work is done.
    var value: Value {
        done.wait()
        defer { done.signal() }
        return result!
    }
}

final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
    var values: [Value] { lock.withLock { slots.map { $0! } } }
}
