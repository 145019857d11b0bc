/**
 * Debug mode (`debug: true`): allocation sites recorded per ref, `heap.report()` grouping
 * the live refs by site, and the warning (once per site) for a ref garbage-collected
 * without `free()` or `release()`, checked in a child process run with `--expose-gc`.
 */
import { expect } from 'chai'
import { fileURLToPath } from 'node:url'
import { createWasmHeapManager, type HeapError, type WasmHeapManager, type WasmHeapManagerOptions } from '../src/index.js'
import { caught, expectThrow } from './support/dynamic.js'
import { runWithGc } from './support/gcChild.js'

const thisFile = fileURLToPath(import.meta.url)

/** Managers made by a test, whose refs `afterEach` frees: left live, they would be reported as leaks once collected. */
const made: WasmHeapManager[] = []

function debugHeap(options: WasmHeapManagerOptions = { debug: true }): WasmHeapManager {
	const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1, maximum: 100 }), options)
	made.push(heap)
	return heap
}

/** Allocates `count` 16-byte arrays here: one allocation site. */
function allocateBuffers(heap: WasmHeapManager, count: number) {
	const refs = []
	for (let index = 0; index < count; index++) refs.push(heap.allocInt32Array(4))
	return refs
}

/** Allocates one 8-byte value here: another site. */
function allocateCounter(heap: WasmHeapManager) {
	return heap.allocFloat64(1)
}

describe('debug mode', () => {
	afterEach(() => {
		for (const heap of made.splice(0)) if (heap.toJSON().liveRefCount !== undefined) heap.freeAll()
	})

	it('is off by default, and report() says how to turn it on', () => {
		expectThrow(
			() => debugHeap({}).report(),
			Error,
			'report needs debug mode, which this manager was created without (debug: true records where each ref was allocated)',
		)
		expectThrow(() => debugHeap({ debug: false }).report(), Error, /^report needs debug mode/)
		expect((caught(() => debugHeap({}).report()) as HeapError).code).to.equal('ERR_HEAP_TRACKING_OFF')
	})

	it('the option must be a boolean', () => {
		expectThrow(() => debugHeap({ debug: 'yes' as never }), TypeError, 'createWasmHeapManager: option debug must be a boolean, received "yes"')
		expect((caught(() => debugHeap({ debug: 1 as never })) as HeapError).code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
		expectThrow(() => debugHeap({ debugging: true } as never), TypeError, "createWasmHeapManager: unknown option 'debugging': the options are clearAllocatedRegions, pollingMode, trackAllocations, debug, abi, start, end, maximumByteSize")
	})

	it('report() needs tracking, which holds the live refs', () => {
		expectThrow(() => debugHeap({ debug: true, trackAllocations: false }).report(), Error, /^report needs allocation tracking/)
	})

	it('report() groups the live refs by allocation site, most bytes first, with counts and bytes', () => {
		const heap = debugHeap()
		const buffers = allocateBuffers(heap, 3)
		const counter = allocateCounter(heap)
		const report = heap.report()
		expect(report.count).to.equal(4)
		expect(report.byteSize).to.equal(56)
		expect(report.sites.map(({ count, byteSize }) => [count, byteSize])).to.deep.equal([
			[3, 48],
			[1, 8],
		])
		// The site is the first frame outside the library: the function that called alloc*.
		const [buffersSite, counterSite] = report.sites
		expect(buffersSite!.site).to.match(/^allocateBuffers \(.*debug\.test\.ts:\d+:\d+\)$/)
		expect(buffersSite!.site).to.contain(thisFile)
		expect(counterSite!.site).to.match(/^allocateCounter \(.*debug\.test\.ts:\d+:\d+\)$/)
		expect(buffersSite!.refs).to.have.members(buffers) // in no particular order, as allocatedRefs
		expect(counterSite!.refs).to.deep.equal([counter])
		// The stack starts at the site: none of the library's frames.
		expect(buffersSite!.stack.split('\n')[0]!.trim()).to.equal(`at ${buffersSite!.site}`)
		expect(buffersSite!.stack).to.not.match(/allocInt32Array|allocArray|recordAllocation|HeapCore|HeapDebug/)
		expect(buffersSite!.stack.split('\n').length).to.be.greaterThan(1)
	})

	it('every kind of allocation names its caller: strings, arrays of each kind, values', () => {
		const heap = debugHeap()
		function allocateEverything() {
			heap.allocNullTerminatedUtf8String('greeting')
			heap.allocNullTerminatedUtf16String(4)
			heap.allocBigInt64Array([1n])
			heap.allocPointer53Array(2)
			heap.allocClampedUint8(3)
		}
		allocateEverything()
		const { sites, count } = heap.report()
		expect(count).to.equal(5)
		// Five lines, five sites, all in the function that allocated.
		expect(sites).to.have.length(5)
		expect(new Set(sites.map(({ site }) => site.replace(/:\d+:\d+\)$/, ')')))).to.deep.equal(new Set([`allocateEverything (${thisFile})`]))
	})

	it('report().table is a readable table', () => {
		const heap = debugHeap()
		allocateBuffers(heap, 3)
		allocateCounter(heap)
		const { table, sites } = heap.report()
		expect(table).to.equal(
			[
				'4 live refs (56 B) from 2 allocation sites',
				'count  bytes  site',
				`    3   48 B  ${sites[0]!.site}`,
				`    1    8 B  ${sites[1]!.site}`,
			].join('\n'),
		)
		expect(debugHeap().report().table).to.equal('0 live refs (0 B) from 0 allocation sites\ncount  bytes  site')
	})

	it('freed, released and scope-freed refs leave the report', () => {
		const heap = debugHeap()
		const [first, second, third] = allocateBuffers(heap, 3)
		first!.free()
		heap.free(second!.address)
		third!.release()
		heap.withScope(() => allocateCounter(heap))
		const kept = allocateCounter(heap)
		const report = heap.report()
		expect(report.count).to.equal(1)
		expect(report.sites).to.have.length(1)
		expect(report.sites[0]!.refs).to.deep.equal([kept])
	})

	it('a site inside withScope is the callback that allocated', () => {
		const heap = debugHeap()
		const scope = heap.openScope()
		const inScope = [heap.allocUint8(1)]
		const report = heap.report()
		expect(report.sites[0]!.site).to.match(/debug\.test\.ts:\d+:\d+\)?$/)
		expect(report.sites[0]!.refs).to.have.members(inScope)
		scope.close()
		expect(heap.report().count).to.equal(0)
	})

	it('a ref garbage-collected without free() warns once per site; freed, released, stale (replaced at its address) and non-debug refs do not', function () {
		this.timeout(120_000)
		const child = runWithGc('debugLeakChild.ts')
		expect(child.status, child.stderr).to.equal(0)
		const warnings = JSON.parse(child.stdout) as string[]
		const sites = warnings.map((warning) => /Allocated at (\w+) \(/.exec(warning)?.[1]).sort()
		expect(sites).to.deep.equal(['leakAnArray', 'leakOneByte', 'leakThreeFromOneSite', 'leakWholeTrackedManager'])
		const int32 = warnings.find((warning) => warning.includes('leakThreeFromOneSite'))!
		expect(int32).to.match(
			/^wasm-heap-manager: an Int32Ref \(4 bytes at address \d+\) was garbage-collected without free\(\) or release\(\): its region leaked\. Allocated at leakThreeFromOneSite \(.*debugLeakChild\.ts:\d+:\d+\); further leaks from there are not reported\.\n {4}at leakThreeFromOneSite /,
		)
		expect(warnings.find((warning) => warning.includes('leakOneByte'))).to.match(/^wasm-heap-manager: a Uint8Ref \(1 byte at address \d+\)/)
		expect(warnings.find((warning) => warning.includes('leakAnArray'))).to.match(/^wasm-heap-manager: a Float64ArrayRef \(40 bytes at address \d+\)/)
		expect(warnings.find((warning) => warning.includes('leakWholeTrackedManager'))).to.match(/^wasm-heap-manager: a Uint16ArrayRef \(8 bytes at/)
	})
})
