// The worker of the browser example: it gets the page's shared WebAssembly.Memory, makes
// its own manager over it (the built-in allocator's state is in the memory, so both
// threads allocate from one pool), allocates a string for the page to read, and keeps
// adding 1 to the page's counter, atomically.
import { createWasmHeapManager } from '../../dist/index.js'

onmessage = ({ data: { memory, counter } }) => {
	const heap = createWasmHeapManager(memory)
	const greeting = heap.allocNullTerminatedUtf8String('hello from a worker')
	postMessage({ address: greeting.address, byteLength: greeting.allocatedByteSize })
	setInterval(() => heap.addInt32Atomic(counter, 1), 100)
}
