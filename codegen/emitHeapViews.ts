/** Emits `HeapViews`: the DataView and the whole-heap typed arrays the accessors use. */
import type { ClassDeclarationStructure, OptionalKind } from 'ts-morph'
import { fieldNameOf, heapViewConstructors, type NormalizedElement, type NormalizedEncoding } from './normalize.js'

export function emitHeapViewsClass(
	elements: readonly NormalizedElement[],
	encodings: readonly NormalizedEncoding[],
): OptionalKind<ClassDeclarationStructure> {
	const constructors = heapViewConstructors(elements, encodings)
	return {
		name: 'HeapViews',
		isExported: true,
		docs: [
			'@internal The views of one heap buffer, rebuilt (in one place, `HeapAccess.pollHeap`) whenever the buffer is replaced.\n' +
				"Typed arrays are clipped to the engine's largest length; addresses beyond are served by the cold paths.",
		],
		properties: [
			{ name: 'buffer', isReadonly: true, type: 'HeapBuffer', docs: ['The heap buffer.'] },
			{ name: 'dataView', isReadonly: true, type: 'DataView', docs: ['Plain little-endian reads and writes.'] },
			...constructors.map((name) => ({
				name: fieldNameOf(name),
				isReadonly: true,
				type: name,
				docs: [`Whole-heap \`${name}\` (atomics, strings${name === 'Uint8Array' ? ', the fast bounds check' : ''}).`],
			})),
		],
		ctors: [
			{
				parameters: [{ name: 'buffer', type: 'HeapBuffer' }],
				statements: [
					'this.buffer = buffer',
					'this.dataView = new DataView(buffer)',
					...constructors.map((name) => `this.${fieldNameOf(name)} = createCappedView(${name}, buffer)`),
				],
			},
		],
	}
}
