/**
 * Run by test/defects.test.ts through runWithGc (gcChild.ts), with the host's copies in
 * place (unlike heapRetentionChild.ts): two managers over heaps of their own each read one
 * UTF-8 string and are dropped, the first 200 bytes of ASCII (a `TextDecoder` call, whose
 * decoder keeps the view it last accepted), the second 4 KiB of ASCII (on Node up to 22,
 * `isAscii` and `latin1Slice`; elsewhere `TextDecoder` again). The UTF-8 reader may keep
 * one dropped heap, never both. Prints a JSON array: whether each heap is still alive.
 */
import { createWasmHeapManager } from '../../src/index.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

const readOnce = (byteLength: number): WeakRef<ArrayBuffer> => {
	const buffer = new ArrayBuffer(1 << 20)
	const heap = createWasmHeapManager(() => buffer, () => 64, () => {})
	// ASCII put there without the library, so that only the read can keep the heap
	new Uint8Array(buffer, 64, byteLength + 1).fill(0x61, 0, byteLength)
	if (heap.readNullTerminatedUtf8String(64).length !== byteLength) throw new Error('wrong read')
	return new WeakRef(buffer)
}

const heaps = [readOnce(200), readOnce(4096)]
// a WeakRef made in a turn keeps its target to the end of it
setTimeout(() => {
	gc()
	gc()
	console.log(JSON.stringify(heaps.map((heap) => heap.deref() !== undefined)))
}, 20)
