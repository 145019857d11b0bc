/**
 * Run by test/defects.test.ts through runWithGc (gcChild.ts: `node --expose-gc --import tsx heapRetentionChild.ts`):
 * for each kind of string write, a manager over a heap of its own makes one write and is
 * dropped; then another manager over another heap makes the same write. The codecs keep
 * the last view they checked (one identity test instead of reading `.buffer`), so the
 * first heap must be collectable once the second was written to: at most one dropped
 * heap is ever kept. Prints a JSON object: write -> [first heap alive after its own
 * write, first heap alive after the second heap's write].
 */
import { createWasmHeapManager } from '../../src/index.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

const writes: Record<string, (heap: ReturnType<typeof createWasmHeapManager>) => void> = {
	// 2 code units into an exact room of 2 elements: the write that may not fit, on a non-shared heap
	'UTF-32, a room it may not fit': (heap) => heap.writeNullTerminatedUtf32String(64, '\u{1F600}', 2),
	// through encodeInto, which is asked once per view whether it takes it
	'UTF-8, encodeInto': (heap) => heap.writeNullTerminatedUtf8String(64, 'é'.repeat(200), 4096),
}

const alive: Record<string, boolean[]> = {}
const weak: Record<string, WeakRef<ArrayBuffer>> = {}
const kept: ArrayBuffer[] = []
const writeOnANewHeap = (name: string): ArrayBuffer => {
	const buffer = new ArrayBuffer(1 << 20)
	writes[name]!(createWasmHeapManager(() => buffer, () => 64, () => {}))
	return buffer
}
for (const name of Object.keys(writes)) weak[name] = new WeakRef(writeOnANewHeap(name))
const settle = (then: () => void): void => {
	// a WeakRef made in a turn keeps its target to the end of it
	setTimeout(() => {
		gc()
		gc()
		then()
	}, 20)
}
settle(() => {
	for (const name of Object.keys(writes)) alive[name] = [weak[name]!.deref() !== undefined]
	for (const name of Object.keys(writes)) kept.push(writeOnANewHeap(name))
	settle(() => {
		for (const name of Object.keys(writes)) alive[name]!.push(weak[name]!.deref() !== undefined)
		console.log(JSON.stringify(alive), kept.length)
	})
})
