/**
 * Code fragments more than one emitter writes, so that every generated method checks
 * bounds and conversions the same way.
 */
import type { CodeBlockWriter } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'

/** The `number`/`bigint` type of an element's values. */
export const valueTypeOf = (element: NormalizedElement): string => element.valueType

/**
 * The hot-path bounds check of a plain access: one comparison against the live length
 * of the heap's byte view (0 once the buffer is detached, and in 'always' mode), and a
 * call to the cold path, which polls, re-checks and throws, on failure.
 * Declares `view`, the DataView to access.
 */
export function writePlainAccessCheck(writer: CodeBlockWriter, byteSize: number, method: string): void {
	writer.writeLine('const fast = this.fast')
	writer.writeLine('let view = fast.dataView')
	writer.writeLine(
		// `address <= length - size` rather than `address + size <= length`: a bigint address
		// compares with numbers without throwing, so it reaches the cold path's clear TypeError.
		`if (!(address >= 0 && address <= fast.uint8Array.length - ${byteSize} && Number.isInteger(address))) ` +
			`view = this.accessView(address, ${byteSize}, '${method}')`,
	)
}

/**
 * The hot-path check of an atomic access: the element index must be an integer (which
 * also proves natural alignment) below the whole-heap view's live length. Declares
 * `view` and `index`; the cold path returns a one-element window (index 0).
 */
export function writeAtomicAccessCheck(writer: CodeBlockWriter, element: NormalizedElement, method: string): void {
	// Dividing would coerce a string or null address into a valid index (and throw for a
	// bigint): for wider elements only a number is divided, anything else gives NaN.
	const indexExpression =
		element.byteSize === 1 ? 'address' : `typeof address === 'number' ? address / ${element.byteSize} : Number.NaN`
	writer.writeLine(`let view = this.fast.${element.atomicViewField}`)
	writer.writeLine(`let index = ${indexExpression}`)
	writer.write(`if (!(index >= 0 && index < view.length && Number.isInteger(index)))`).block(() => {
		writer.writeLine(
			`view = this.atomicWindow(${element.atomicViewConstructor}, address, ${element.byteSize}, '${method}')`,
		)
		writer.writeLine('index = 0')
	})
}

/** Checks an element count argument. */
export function writeElementCountCheck(writer: CodeBlockWriter, variable: string, method: string): void {
	writer.writeLine(
		`if (!(Number.isSafeInteger(${variable}) && ${variable} >= 0)) throwElementCountError('${method}', ${variable})`,
	)
}

/** Checks a pointer53 value before anything is written. */
export function writePointer53ValueCheck(writer: CodeBlockWriter, method: string): void {
	writer.writeLine(`if (!(Number.isSafeInteger(value) && value >= 0)) throwPointer53ValueError('${method}', value)`)
}

/**
 * The statements that read one element through the DataView `view` at `address` and
 * return it (shared by the manager's `read<T>` and the refs' inline fast paths).
 */
export function writeElementRead(writer: CodeBlockWriter, element: NormalizedElement, address: string, method: string): void {
	if (element.kind === 'pointer53') {
		// Two 32-bit halves avoid creating a bigint on every read.
		writer.writeLine(`const low = view.getUint32(${address}, true)`)
		writer.writeLine(`const high = view.getUint32(${address} + 4, true)`)
		writer.writeLine(`if (high > 0x1fffff) throwPointer53StoredError('${method}', ${address}, high, low)`)
		writer.writeLine('return high * 0x100000000 + low')
	} else {
		const littleEndian = element.byteSize === 1 ? '' : ', true'
		writer.writeLine(`return view.get${element.dataViewAccessor}(${address}${littleEndian})`)
	}
}

/** The statements that convert `value` and write it through the DataView `view` at `address`. */
export function writeElementWrite(writer: CodeBlockWriter, element: NormalizedElement, address: string, method: string): void {
	const littleEndian = element.byteSize === 1 ? '' : ', true'
	switch (element.kind) {
		case 'pointer53':
			writePointer53ValueCheck(writer, method)
			writer.writeLine('const low = value % 0x100000000')
			writer.writeLine(`view.setUint32(${address}, low, true)`)
			writer.writeLine(`view.setUint32(${address} + 4, (value - low) / 0x100000000, true)`)
			break
		case 'clampedInt':
			// DataView has no clamped setter: convert as Uint8ClampedArray does first.
			writer.writeLine(`view.set${element.dataViewAccessor}(${address}, clampToUint8(value))`)
			break
		default:
			writer.writeLine(`view.set${element.dataViewAccessor}(${address}, value${littleEndian})`)
	}
}

/** A TSDoc sentence naming the element type, e.g. "a signed 32-bit integer (C `int32_t`)". */
export function describeElement(element: NormalizedElement): string {
	return withArticle(element.description)
}

/** A description with its indefinite article: "a signed …", "an unsigned …". */
export function withArticle(description: string): string {
	return `${/^[aeiou]/i.test(description) ? 'an' : 'a'} ${description}`
}
