/**
 * Typed arrays over a whole heap, clipped to the engine's largest typed array.
 *
 * Some engines cap a typed array at 2^32 elements (Node 20 refuses a `Uint8Array`
 * over a 5 GiB buffer, see ENGINE-FACTS.md). A clipped view still serves every
 * address below its end on the fast path; accesses beyond it fall to the cold path,
 * which uses the heap's `DataView` or a small window instead.
 */
import { raise, viewImpossible } from './messages.js'

export interface TypedArrayConstructorLike<T> {
	new (buffer: ArrayBufferLike, byteOffset: number, length: number): T
	readonly BYTES_PER_ELEMENT: number
	readonly name: string
}

// Learned once per process: the longest typed array this engine creates (in elements).
let engineMaxLength = Number.MAX_SAFE_INTEGER

/**
 * A view of `buffer` from offset 0 over as many whole elements as the buffer and the engine
 * allow; if the engine allows none, a `RangeError` naming `method`, the entry point that polled.
 */
export function createCappedView<T>(Constructor: TypedArrayConstructorLike<T>, buffer: ArrayBufferLike, method: string): T {
	const wanted = Math.floor(buffer.byteLength / Constructor.BYTES_PER_ELEMENT)

	if (wanted <= engineMaxLength) {
		try {
			return new Constructor(buffer, 0, wanted)
		} catch (error) {
			if (!(error instanceof RangeError)) throw error
			engineMaxLength = 2 ** 32
		}
	}

	// Candidates for the cap, largest first: 2^32 (Node 20), 2^32 - 1, 2^31 - 1.
	for (const candidate of [2 ** 32, 2 ** 32 - 1, 2 ** 31 - 1]) {
		if (candidate > engineMaxLength || candidate >= wanted) continue
		try {
			const view = new Constructor(buffer, 0, candidate)
			engineMaxLength = candidate
			return view
		} catch (error) {
			if (!(error instanceof RangeError)) throw error
		}
	}

	throw raise(viewImpossible, method, Constructor.name, buffer.byteLength)
}
