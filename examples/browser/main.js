// wasm-heap-manager in a browser page, loaded straight from the built bundle as an ES
// module (no bundler). The heap is a bare WebAssembly.Memory with the library's built-in
// allocator; when the page is cross-origin isolated (serve.mjs sends the headers) the
// memory is shared, i.e. backed by a SharedArrayBuffer, and a worker uses it too.
//
//   npm run serve:browser    then open the printed URL (it builds dist/ first if needed)
//
// Each step below is a function; the page shows its source text beside its result, and a
// live hex view of the heap regions it returns in `show` (page.js). <html data-status=
// "pass|fail"> and the #summary line say how it went (a headless browser can read either).

import { createPage } from './page.js'

const summary = document.getElementById('summary')
const environment = document.getElementById('environment')
const counts = { pass: 0, fail: 0, skipped: 0 }

function finish(extra = '') {
	const ok = counts.fail === 0 && counts.pass > 0
	const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''
	summary.textContent = `${ok ? 'PASS' : 'FAIL'}: ${counts.pass} of ${counts.pass + counts.fail} steps passed${skipped}${extra}`
	summary.className = ok ? 'pass' : 'fail'
	document.documentElement.dataset.status = ok ? 'pass' : 'fail'
}

let library
try {
	library = await import('../../dist/index.js')
} catch (error) {
	environment.textContent = `Could not import ../../dist/index.js (run \`npm run build\` first): ${error?.message ?? error}`
	counts.fail++
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
environment.textContent =
	`Heap: a ${shared ? 'shared' : 'non-shared'} WebAssembly.Memory ` +
	`(${heap.heap.constructor.name}, ${heap.heap.byteLength.toLocaleString('en')} bytes) with the built-in allocator · ` +
	`crossOriginIsolated: ${globalThis.crossOriginIsolated === true}`

const page = createPage(heap, document.getElementById('steps'))

/**
 * Runs one step: its card shows `run`'s source; `run` returns `{ result, ok, show }`,
 * where `show` names the refs (or `{ address, byteLength }` regions) to hex-view.
 * `ok: undefined` marks a step skipped in this environment.
 */
async function step(title, description, run, extraSource) {
	const card = page.addStep(title, description, run)
	if (extraSource) card.addSource(...extraSource)
	const before = heap.heapUint8.slice() // to mark the bytes the step changes
	let outcome
	try {
		outcome = await run()
	} catch (error) {
		outcome = { result: `${error?.name ?? 'Error'}: ${error?.message ?? error}`, ok: false }
	}
	counts[card.finish(outcome, before)]++
}

// What the steps share (and what the console can reach as `example`).
const refs = {}
globalThis.example = { heap, memory, refs }

await step('Numbers', 'Write four numbers of different types into one 32-byte block, then read them back.', function numbers() {
	const block = heap.allocUint8Array(32) // 32 zeroed bytes, tracked
	const at = block.address
	heap.writeInt32(at, 0x12345678) // little-endian: 78 56 34 12
	heap.writeFloat64(at + 8, Math.PI)
	heap.writeInt8(at + 16, 200) // converts as Int8Array does: -56
	heap.writeBigUint64(at + 24, 2n ** 64n - 1n)
	const values = [
		heap.readInt32(at).toString(16),
		heap.readFloat64(at + 8),
		heap.readInt8(at + 16),
		heap.readBigUint64(at + 24),
	]
	const expected = ['12345678', Math.PI, -56, 2n ** 64n - 1n]
	refs.block = block
	return {
		result: `0x${values[0]}, ${values[1]}, ${values[2]}, ${values[3]}`,
		ok: values.every((value, index) => value === expected[index]),
		show: { block },
	}
})

await step('Arrays', 'Typed-array refs: copy values in, sum them through the live view, write one element. Clamped bytes clamp.', function arrays() {
	const samples = heap.allocFloat32Array([0.5, 1.25, 2, 4.25])
	const sum = samples.view.reduce((total, value) => total + value, 0)
	samples.writeAt(0, 10)
	const clamped = heap.allocClampedUint8Array([300, -5, 127.5])
	const now = samples.view.join(', ')
	const bytes = clamped.view.join(', ')
	Object.assign(refs, { samples, clamped })
	return {
		result: `sum ${sum}; samples [${now}]; clamped [${bytes}]`,
		ok:
			sum === 8 && now === '10, 1.25, 2, 4.25' && bytes === '255, 0, 128',
		show: { samples, clamped },
	}
})

await step('Strings', 'One string, null-terminated, in UTF-8, UTF-16 and UTF-32 (C char, JavaScript and Windows wchar_t, Linux wchar_t).', function strings() {
	const text = 'Grüße 世界 😀!'
	const utf8 = heap.allocNullTerminatedUtf8String(text)
	const utf16 = heap.allocNullTerminatedUtf16String(text)
	const utf32 = heap.allocNullTerminatedUtf32String(text)
	const decoded = heap.readNullTerminatedUtf8String(utf8.address)
	const same = [utf16.value, utf32.value].every((v) => v === decoded)
	const sizes = [
		`${utf8.encodedByteLength} UTF-8 bytes`,
		`${utf16.encodedElementCount} UTF-16 units`,
		`${utf32.encodedElementCount} code points`,
	].join(', ')
	refs.utf8 = utf8
	return {
		result: `"${decoded}": ${sizes}`,
		ok:
			decoded === text && same &&
			sizes === '20 UTF-8 bytes, 12 UTF-16 units, 11 code points',
		show: { utf8, utf16, utf32 },
	}
})

await step('Growth', 'Allocate 4 MiB, so the memory grows. Refs made before still work: write through one.', function growth() {
	const { samples, utf8 } = refs // made before the memory grows
	const before = heap.heap.byteLength
	const big = heap.allocUint8Array(4 * 1024 * 1024) // nothing fits: grows
	big.writeAt(big.elementCount - 1, 0xb0)
	samples.writeAt(3, -1) // through an old ref: 00 00 80 bf
	const after = heap.heap.byteLength
	const values = samples.view.join(', ')
	const end = big.address + big.elementCount
	const tail = { address: end - 16, byteLength: 16 }
	return {
		result: `${before} → ${after} bytes; [${values}]; "${utf8.value}"`,
		ok:
			after > before && values === '10, 1.25, 2, -1' &&
			utf8.value === 'Grüße 世界 😀!' && heap.readUint8(end - 1) === 0xb0,
		show: { samples, 'big, its last 16 bytes': tail },
	}
})

await step('Atomics', 'Atomic reads, writes and adds. -0 keeps its sign bit: it moves as its exact 64-bit pattern.', function atomics() {
	const zero = heap.allocFloat64()
	zero.writeAtomic(-0) // 00 00 00 00 00 00 00 80
	const counter = heap.allocInt32()
	counter.addAtomic(5) // Atomics.add on the heap; returns the old value
	const isMinusZero = Object.is(zero.readAtomic(), -0)
	refs.counter = counter
	return {
		result: `read back as -0: ${isMinusZero}; counter ${counter.value}`,
		ok: isMinusZero && counter.readAtomic() === 5,
		show: { zero, counter },
	}
})

const workerUrl = new URL('./worker.js', import.meta.url)
const workerSource = await fetch(workerUrl)
	.then((response) => response.text())
	.catch((error) => `// could not fetch worker.js: ${error.message}`)

await step(
	'A worker',
	'A module Web Worker gets the same shared memory, allocates from the same pool, and keeps adding 1 to the counter: watch it count.',
	async function worker() {
		if (!shared) {
			const why = 'sharing memory needs a cross-origin isolated page'
			return { result: `skipped: ${why} (serve.mjs)` }
		}
		const thread = new Worker(workerUrl, { type: 'module' })
		const reply = new Promise((resolve, reject) => {
			thread.onmessage = (event) => resolve(event.data)
			thread.onerror = (event) => reject(new Error(event.message))
		})
		thread.postMessage({ memory, counter: refs.counter.address })
		const { address, byteLength } = await reply // a string it allocated
		const greeting = heap.readNullTerminatedUtf8String(address)
		return {
			result: `"${greeting}", at ${address}; the counter counts up`,
			ok: greeting === 'hello from a worker',
			show: {
				'the worker’s string': { address, byteLength },
				counter: refs.counter,
			},
		}
	},
	['worker.js (what the worker runs)', workerSource.trimEnd()],
)

await step('Safety', 'An access that would end past the heap throws a RangeError; nothing is read or written.', function safety() {
	const size = heap.heap.byteLength
	const tail = { address: size - 16, byteLength: 16 }
	try {
		heap.readInt32(size - 2) // 2 bytes inside, 2 past the end
		return { result: 'did not throw', ok: false }
	} catch (error) {
		return {
			result: `${error.name}: ${error.message}`,
			ok: error instanceof RangeError,
			show: { 'the heap’s last 16 bytes': tail },
		}
	}
})

await step('Tracking', 'The manager tracks what it allocated. A freed ref refuses to be used; the allocator reuses its bytes.', function tracking() {
	const live = heap.allocatedRefs.length
	const bytes = heap.totalAllocatedByteSize
	const { clamped } = refs
	clamped.free() // the allocator writes its free-list links into it
	const after = heap.allocatedRefs.length
	let error
	try {
		clamped.readAt(0)
	} catch (caught) {
		error = caught
	}
	const block = { address: clamped.address - 8, byteLength: 16 }
	return {
		result: `${live} refs (${bytes} bytes), then ${after}; ${error}`,
		ok: live === 9 && after === 8 && error?.message.includes('freed'),
		show: { clamped, 'its block, with the 8-byte header': block },
	}
})

page.startLiveViews()
finish(shared ? ' (shared memory)' : ' (non-shared memory: serve with serve.mjs for SharedArrayBuffer)')
