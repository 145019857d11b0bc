/**
 * Run by test/defects.test.ts as `node --expose-gc --import tsx heapRetentionChild.ts`:
 * for each kind of string write, a manager over a heap of its own makes one write, is
 * dropped, and the heap's buffer must then be collectable (the codecs' caches of the last
 * view they checked once held it strongly). Prints a JSON object: write -> still alive.
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

const alive: Record<string, boolean> = {}
const weak: Record<string, WeakRef<ArrayBuffer>> = {}
for (const [name, write] of Object.entries(writes)) {
	;(() => {
		const buffer = new ArrayBuffer(1 << 20)
		weak[name] = new WeakRef(buffer)
		write(createWasmHeapManager(() => buffer, () => 64, () => {}))
	})()
}
// a WeakRef made in this turn keeps its target to the end of it
setTimeout(() => {
	gc()
	gc()
	for (const name of Object.keys(writes)) alive[name] = weak[name]!.deref() !== undefined
	console.log(JSON.stringify(alive))
}, 20)
