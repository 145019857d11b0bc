/**
 * Run by test/defects.test.ts through runWithGc (gcChild.ts: `node --expose-gc --import tsx heapRetentionChild.ts`):
 * for each kind of string write (then, in a round of their own, of string read), a manager
 * over a heap of its own makes one write (read) and is dropped; then another manager over
 * another heap makes the same write (read). The codecs keep the last view they checked
 * (one identity test instead of reading `.buffer`), so the first heap must be collectable
 * once the second was written to (read from): at most one dropped heap is ever kept.
 * Prints a JSON object: write or read -> [first heap alive after its own, first heap alive
 * after the second heap's], and how many second heaps were made.
 */
// First: the UTF-16 read below is TextDecoder's, as in a browser or on Deno (on Node and Bun
// the host's ucs2Slice reads it, which keeps nothing; see src/codecs/hostCopies.ts).
import './withoutHostCopies.js'
import { createWasmHeapManager } from '../../src/index.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

const writes: Record<string, (heap: ReturnType<typeof createWasmHeapManager>) => void> = {
	// 2 code units into an exact room of 2 elements: the write that may not fit, on a non-shared heap
	'UTF-32, a room it may not fit': (heap) => heap.writeNullTerminatedUtf32String(64, '\u{1F600}', 2),
	// through encodeInto, which is asked once per view whether it takes it
	'UTF-8, encodeInto': (heap) => heap.writeNullTerminatedUtf8String(64, 'é'.repeat(200), 4096),
}

// Reads, in a round of their own after the writes' (a write of the next kind would release
// the heap before): a long read goes through TextDecoder, whose decoder keeps the view it
// last accepted, and through byteRange, which keeps the last view's buffer.
const reads: typeof writes = {
	// 200 bytes of ASCII put there without the library, so that only the read can keep the heap
	'UTF-8 read, TextDecoder': (heap) => {
		new Uint8Array(heap.heap, 64, 201).fill(0x61, 0, 200)
		heap.readNullTerminatedUtf8String(64)
	},
	'UTF-16 read, TextDecoder': (heap) => {
		new Uint16Array(heap.heap, 64, 201).fill(0x61, 0, 200)
		heap.readNullTerminatedUtf16String(64)
	},
}

const alive: Record<string, boolean[]> = {}
const kept: ArrayBuffer[] = []
const settle = (then: () => void): void => {
	// a WeakRef made in a turn keeps its target to the end of it
	setTimeout(() => {
		gc()
		gc()
		then()
	}, 20)
}
const round = (kinds: typeof writes, then: () => void): void => {
	const weak: Record<string, WeakRef<ArrayBuffer>> = {}
	const useANewHeap = (name: string): ArrayBuffer => {
		const buffer = new ArrayBuffer(1 << 20)
		kinds[name]!(createWasmHeapManager(() => buffer, () => 64, () => {}))
		return buffer
	}
	for (const name of Object.keys(kinds)) weak[name] = new WeakRef(useANewHeap(name))
	settle(() => {
		for (const name of Object.keys(kinds)) alive[name] = [weak[name]!.deref() !== undefined]
		for (const name of Object.keys(kinds)) kept.push(useANewHeap(name))
		settle(() => {
			for (const name of Object.keys(kinds)) alive[name]!.push(weak[name]!.deref() !== undefined)
			then()
		})
	})
}
round(writes, () => round(reads, () => console.log(JSON.stringify(alive), kept.length)))
