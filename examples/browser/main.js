// wasm-heap-manager in a browser page, loaded straight from the built bundle as an ES
// module (no bundler). The heap is a bare WebAssembly.Memory with the library's built-in
// allocator; when the page is cross-origin isolated (serve.mjs sends the headers) the
// memory is shared, i.e. backed by a SharedArrayBuffer.
//
//   npm run build && node examples/browser/serve.mjs    then open the printed URL
//
// The page lists each step with its result; <html data-status="pass|fail"> and the
// #summary line say how it went (a headless browser can read either).

const results = document.getElementById('results')
const summary = document.getElementById('summary')
let passed = 0
let failed = 0

/** Adds a table row: `run()` returns [what was done, result text, ok]. */
function step(name, run) {
	let what = ''
	let result
	let ok
	try {
		;[what, result, ok] = run()
	} catch (error) {
		result = `${error?.name ?? 'Error'}: ${error?.message ?? error}`
		ok = false
	}
	ok ? passed++ : failed++
	const row = results.insertRow()
	row.className = ok ? 'pass' : 'fail'
	for (const [text, className] of [[name], [what], [result, 'result'], [ok ? '✓' : '✗', 'status']]) {
		const cell = row.insertCell()
		cell.textContent = text
		if (className) cell.className = className
	}
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)

function finish(extra = '') {
	const ok = failed === 0 && passed > 0
	summary.textContent = `${ok ? 'PASS' : 'FAIL'}: ${passed} of ${passed + failed} steps passed${extra}`
	summary.className = ok ? 'pass' : 'fail'
	document.documentElement.dataset.status = ok ? 'pass' : 'fail'
}

let library
try {
	library = await import('../../dist/index.js')
} catch (error) {
	step('load', () => {
		throw new Error(`could not import ../../dist/index.js (run \`npm run build\` first): ${error?.message ?? error}`)
	})
	finish()
	throw error
}
const { createWasmHeapManager } = library

// The heap: one 64 KiB page to start, so the growth step below really grows it.
const shared = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function'
const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024, shared })

// A bare memory is a complete heap: the built-in allocator keeps its state in the
// memory, reuses freed blocks and grows the memory when nothing free fits.
const heap = createWasmHeapManager(memory)
document.getElementById('environment').textContent =
	`Heap: a ${shared ? 'shared' : 'non-shared'} WebAssembly.Memory ` +
	`(${heap.heap.constructor.name}, ${heap.heap.byteLength} bytes) with the built-in allocator. ` +
	`crossOriginIsolated: ${globalThis.crossOriginIsolated === true}.`

step('numbers', () => {
	const block = heap.allocUint8Array(32) // 32 bytes to write numbers into; freed below
	const address = block.address
	heap.writeInt32(address, -7)
	heap.writeFloat64(address + 8, Math.PI)
	heap.writeInt8(address + 16, 200) // converts as Int8Array does: 200 wraps to -56
	heap.writeBigUint64(address + 24, 2n ** 64n - 1n)
	const values = [heap.readInt32(address), heap.readFloat64(address + 8), heap.readInt8(address + 16), heap.readBigUint64(address + 24)]
	block.free()
	return [
		'writeInt32 -7, writeFloat64 π, writeInt8 200, writeBigUint64 2^64-1; read each back',
		values.map(String).join(', '),
		same(values.map(String), ['-7', String(Math.PI), '-56', '18446744073709551615']),
	]
})

const samples = heap.allocFloat32Array([0.5, 1.25, 2, 4.25])
step('arrays', () => {
	const clamped = heap.allocClampedUint8Array([300, -5, 127.5])
	const total = samples.view.reduce((sum, value) => sum + value, 0)
	samples.writeAt(0, 10)
	const values = [...samples.view]
	return [
		'allocFloat32Array([0.5, 1.25, 2, 4.25]), sum its view, writeAt(0, 10); allocClampedUint8Array([300, -5, 127.5])',
		`sum ${total}; now [${values.join(', ')}]; clamped [${[...clamped.view].join(', ')}]`,
		total === 8 && same(values, [10, 1.25, 2, 4.25]) && same([...clamped.view], [255, 0, 128]),
	]
})

const text = 'Grüße 世界 😀!'
const utf8 = heap.allocNullTerminatedUtf8String(text)
step('strings', () => {
	const utf16 = heap.allocNullTerminatedUtf16String(text)
	const utf32 = heap.allocNullTerminatedUtf32String(text)
	const sizes = [utf8.encodedByteLength, utf16.encodedElementCount, utf32.encodedElementCount]
	const decoded = heap.readNullTerminatedUtf8String(utf8.address)
	return [
		`"${text}" allocated as UTF-8, UTF-16 and UTF-32; read back`,
		`"${decoded}": ${sizes[0]} bytes, ${sizes[1]} UTF-16 units, ${sizes[2]} code points`,
		decoded === text && utf16.value === text && utf32.value === text && same(sizes, [20, 12, 11]),
	]
})

step('growth', () => {
	const before = heap.heap.byteLength
	const staleView = samples.view
	const big = heap.allocUint8Array(4 * 1024 * 1024) // past the end: the allocator grows the memory
	big.writeAt(big.elementCount - 1, 0xb0)
	const after = heap.heap.byteLength
	const stillThere = [...samples.view]
	// A non-shared buffer is detached on growth (old views become empty); a shared one is
	// replaced by a larger one and old views keep their old length. Refs work either way.
	return [
		'hold refs, allocate 4 MiB so the memory grows, read the refs again',
		`${before} → ${after} bytes; Float32ArrayRef [${stillThere.join(', ')}], Utf8StringRef "${utf8.value}"; old view length ${staleView.length}`,
		after > before && same(stillThere, [10, 1.25, 2, 4.25]) && utf8.value === text && big.readAt(big.elementCount - 1) === 0xb0,
	]
})

step('atomics', () => {
	const value = heap.allocFloat64()
	value.writeAtomic(-0) // moved as its exact 64-bit pattern, so -0 stays -0
	const counter = heap.allocInt32()
	Atomics.add(heap.viewInt32Array(counter.address, 1), 0, 5) // a view for the Atomics the manager does not wrap
	return [
		`Float64Ref.writeAtomic(-0); Atomics.add on a view of an Int32Ref (${shared ? 'shared' : 'non-shared'} memory)`,
		`readAtomic() ${Object.is(value.readAtomic(), -0) ? '-0' : value.readAtomic()}, counter ${counter.readAtomic()}`,
		Object.is(value.readAtomic(), -0) && counter.readAtomic() === 5,
	]
})

step('safety', () => {
	const size = heap.heap.byteLength
	try {
		heap.readInt32(size - 2)
	} catch (error) {
		return [`readInt32(${size - 2}): 4 bytes that would end past the heap`, `${error.name}: ${error.message}`, error instanceof RangeError]
	}
	return ['readInt32 past the end', 'did not throw', false]
})

step('tracking', () => {
	const count = heap.allocatedRefs.length
	const bytes = heap.totalAllocatedByteSize
	heap.freeAll()
	let freedUseThrows = false
	try {
		samples.readAt(0)
	} catch {
		freedUseThrows = true
	}
	return [
		'allocatedRefs, totalAllocatedByteSize, freeAll(), then use a freed ref',
		`${count} refs, ${bytes} bytes → ${heap.allocatedRefs.length} refs; freed ref throws: ${freedUseThrows}`,
		count === 8 && heap.allocatedRefs.length === 0 && heap.totalAllocatedByteSize === 0 && freedUseThrows,
	]
})

finish(shared ? ' (shared memory)' : ' (non-shared memory: serve with serve.mjs for SharedArrayBuffer)')
