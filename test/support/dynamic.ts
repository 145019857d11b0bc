/** Calls generated methods by name, for tests that loop over the descriptor rows. */
import { elementRows } from '../../descriptors/elements.js'
import { normalizeElements, type NormalizedElement } from '../../codegen/normalize.js'
import type { WasmHeapManager } from '../../src/index.js'

export const elements: readonly NormalizedElement[] = normalizeElements(elementRows)

type AnyMethod = (...args: unknown[]) => unknown

/** `heap[name](...args)`, failing clearly if the method does not exist. */
export function callMethod(heap: WasmHeapManager, name: string, ...args: unknown[]): unknown {
	const method = (heap as unknown as Record<string, AnyMethod | undefined>)[name]
	if (typeof method !== 'function') throw new Error(`WasmHeapManager has no method ${name}`)
	return method.apply(heap, args)
}

/** The global TypedArray constructor of the given name. */
export function typedArrayConstructor(name: string): {
	new (length: number): ArrayLike<number | bigint> & { [index: number]: number | bigint; buffer: ArrayBuffer }
	new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayLike<number | bigint>
	readonly BYTES_PER_ELEMENT: number
} {
	const constructor = (globalThis as unknown as Record<string, unknown>)[name]
	if (typeof constructor !== 'function') throw new Error(`no global ${name}`)
	return constructor as never
}
