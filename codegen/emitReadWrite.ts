/** Emits `read<T>(address)` and `write<T>(address, value)` for every element row. */
import type { MethodDeclarationStructure, OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement, writeElementRead, writeElementWrite, writePlainAccessCheck } from './snippets.js'

type Method = OptionalKind<MethodDeclarationStructure>

function emitRead(element: NormalizedElement): Method {
	const method = element.methods.read
	return {
		name: method,
		docs: [
			`Reads ${describeElement(element)} at \`address\` (any alignment, little-endian).\n` +
				`@throws RangeError if the ${element.byteSize}-byte access does not lie within the heap` +
				(element.kind === 'pointer53' ? `, or the stored uint64 is above \`2^53 - 1\`` : ''),
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: element.valueType,
		statements: (writer) => {
			writePlainAccessCheck(writer, element.byteSize, method)
			writeElementRead(writer, element, 'address', method)
		},
	}
}

function emitWrite(element: NormalizedElement): Method {
	const method = element.methods.write
	const conversion: Record<NormalizedElement['kind'], string> = {
		int: 'wraps around as assigning to a typed array element does',
		clampedInt: 'is clamped to 0..255 and rounded half to even, as `Uint8ClampedArray` does',
		float: element.byteSize === 4 ? 'is rounded to the nearest `float`' : 'is stored exactly',
		bigint: 'wraps around to 64 bits',
		pointer53: 'must be an integer from 0 to `2^53 - 1`',
	}
	return {
		name: method,
		docs: [
			`Writes ${describeElement(element)} at \`address\` (any alignment, little-endian). The value ${conversion[element.kind]}.\n` +
				`@throws RangeError if the ${element.byteSize}-byte access does not lie within the heap; nothing is written` +
				(element.kind === 'pointer53' ? '\n@throws RangeError if the value is not a valid pointer53' : ''),
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: element.valueType },
		],
		returnType: 'void',
		statements: (writer) => {
			writePlainAccessCheck(writer, element.byteSize, method)
			writeElementWrite(writer, element, 'address', method)
		},
	}
}

/** The plain read and write methods, in table order. */
export function emitReadWriteMethods(elements: readonly NormalizedElement[]): Method[] {
	return elements.flatMap((element) => [emitRead(element), emitWrite(element)])
}
