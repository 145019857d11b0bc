/**
 * The plain-access facet of an element row: the manager's `read<T>(address)` and
 * `write<T>(address, value)`, the value ref's `read()`/`write()`/`value`, and the
 * array ref's `readAt(i)`/`writeAt(i, v)`.
 */
import { facetParts, provenance, type FacetParts } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { describeElement, elementRead, elementWrite, plainAccessCheck, valueConversion } from './snippets.js'

const emitter = 'emitAccess'

const conversions: Record<NormalizedElement['kind'], (element: NormalizedElement) => string> = {
	int: () => 'wraps around as assigning to a typed array element does',
	clampedInt: () => 'is clamped to 0..255 and rounded half to even, as `Uint8ClampedArray` does',
	float: (element) =>
		element.byteSize === 8 ? 'is stored exactly' : `is rounded to the nearest \`${element.cType}\` (ties to even)`,
	bigint: () => 'wraps around to 64 bits',
	pointer53: () => 'must be an integer from 0 to `2^53 - 1`',
}

/** The plain-access members of one full (non-alias) row. */
export function emitAccess(element: NormalizedElement): FacetParts {
	const parts = facetParts()
	const { methods, valueType, byteSize } = element
	const trivia = provenance(element.name, emitter)
	const storedNote = element.kind === 'pointer53' ? ', or the stored uint64 is above `2^53 - 1`' : ''

	const read = parts.manager
	read.methods.push({
		leadingTrivia: trivia,
		name: methods.read,
		docs: [
			`Reads ${describeElement(element)} at \`address\` (any alignment, little-endian).\n` +
				`@throws RangeError if the ${byteSize}-byte access does not lie within the heap${storedNote}`,
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: valueType,
		statements: [plainAccessCheck(byteSize, methods.read), elementRead(element, 'address', methods.read, read)],
	})
	read.methods.push({
		leadingTrivia: trivia,
		name: methods.write,
		docs: [
			`Writes ${describeElement(element)} at \`address\` (any alignment, little-endian). The value ${conversions[element.kind](element)}.\n` +
				`@throws RangeError if the ${byteSize}-byte access does not lie within the heap; nothing is written` +
				(element.kind === 'pointer53' ? '\n@throws RangeError if the value is not a valid pointer53' : ''),
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: valueType },
		],
		returnType: 'void',
		statements: [
			valueConversion(element, methods.write, read),
			plainAccessCheck(byteSize, methods.write),
			elementWrite(element, 'address', methods.write, read),
		],
	})

	// The value ref reads inline: the address was checked when the ref was made, so only
	// its end (Infinity once freed) is compared with the heap's live length.
	const ref = parts.ref
	ref.getAccessors.push({
		leadingTrivia: trivia,
		name: 'value',
		docs: [`The referenced value: reading it reads as \`${methods.read}\` does, assigning it writes as \`${methods.write}\` does.`],
		returnType: valueType,
		statements: ['return this.read()'],
	})
	ref.setAccessors.push({
		name: 'value',
		docs: [`Writes the referenced value, converted as \`${methods.write}\` converts it.`],
		parameters: [{ name: 'value', type: valueType }],
		statements: ['this.write(value)'],
	})
	const refRead = elementRead(element, 'this.address', `${element.refClass}.read`, ref)
	ref.methods.push({
		leadingTrivia: trivia,
		name: 'read',
		docs: ['Reads the value.'],
		returnType: valueType,
		statements: (writer) => {
			writer.writeLine('const fast = this.manager.fast')
			writer.writeLine(
				`if (!(this.liveEnd <= fast.uint8Array.length)) return this.manager.${methods.read}(this.liveAddress('read'))`,
			)
			writer.writeLine('const view = fast.dataView')
			refRead(writer)
		},
	})
	const refWrite = elementWrite(element, 'this.address', `${element.refClass}.write`, ref)
	const refConversion = valueConversion(element, `${element.refClass}.write`, ref)
	ref.methods.push({
		leadingTrivia: trivia,
		name: 'write',
		docs: [`Writes a value, converted as \`${methods.write}\` converts it.`],
		parameters: [{ name: 'value', type: valueType }],
		returnType: 'void',
		statements: (writer) => {
			refConversion(writer)
			writer.writeLine('const fast = this.manager.fast')
			writer.write('if (!(this.liveEnd <= fast.uint8Array.length))').block(() => {
				writer.writeLine(`this.manager.${methods.write}(this.liveAddress('write'), value)`)
				writer.writeLine('return')
			})
			writer.writeLine('const view = fast.dataView')
			refWrite(writer)
		},
	})

	const arrayRef = parts.arrayRef
	arrayRef.methods.push({
		leadingTrivia: trivia,
		name: 'readAt',
		docs: ['Reads the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`'],
		parameters: [{ name: 'index', type: 'number' }],
		returnType: valueType,
		statements: [indexCheck('readAt'), `return this.manager.${methods.read}(this.address + index * ${byteSize})`],
	})
	arrayRef.methods.push({
		leadingTrivia: trivia,
		name: 'writeAt',
		docs: [
			`Writes the element at \`index\`, converted as \`${methods.write}\` converts it.\n@throws RangeError if \`index\` is not an integer in \`[0, elementCount)\``,
		],
		parameters: [
			{ name: 'index', type: 'number' },
			{ name: 'value', type: valueType },
		],
		returnType: 'void',
		statements: [indexCheck('writeAt'), `this.manager.${methods.write}(this.address + index * ${byteSize}, value)`],
	})
	return parts
}

/** An array ref's index check: one comparison checks the index and liveness (`liveElementCount` is 0 once freed). */
export function indexCheck(member: string): string {
	return `if (!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount)) this.throwIndexOrFreed('${member}', index)`
}
