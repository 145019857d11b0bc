/** Emits `HeapViews`: the DataView and the whole-heap typed arrays the accessors use. */
import { Scope, type ClassDeclarationStructure, type OptionalKind } from 'ts-morph'
import { Part } from './emitted.js'
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
				// `method`: the entry point the user called (which polled), named by the error of an engine that can make no view of the buffer
				parameters: [
					{ name: 'buffer', type: 'HeapBuffer' },
					{ name: 'method', type: 'string' },
				],
				statements: [
					'this.buffer = buffer',
					'this.dataView = new DataView(buffer)',
					...constructors.map((name) => `this.${fieldNameOf(name)} = createCappedView(${name}, buffer, method)`),
				],
			},
		],
	}
}

/**
 * The manager's own field for one of `HeapViews`' views (`DataView` or a typed array
 * constructor name): `fastDataView`, `fastInt32Array`, ... The hot paths read these.
 */
export function fastFieldOf(view: string): string {
	return `fast${view}`
}

/**
 * The manager's copies of its `fast` views, one field per view, set by the manager's
 * constructor and by `cacheFastViews`, which `HeapAccess.pollHeap` calls whenever it
 * replaces `fast`. The manager's `read<T>`/`write<T>` and the value refs read a view as one
 * load from the manager instead of two (`manager.fast`, then the view): once a heap has
 * grown, `fast` is no field TurboFan can fold, and the chain of loads before the access is
 * one shorter (bench/notes.ts has the figures). `readAt` keeps `manager.fast` (see there).
 */
export function emitFastViewFields(elements: readonly NormalizedElement[], encodings: readonly NormalizedEncoding[]): Part {
	const part = new Part().use('./HeapViews.generated.js', 'type HeapViews')
	const views = [
		{ field: 'dataView', type: 'DataView' },
		...heapViewConstructors(elements, encodings).map((name) => ({ field: fieldNameOf(name), type: name })),
	]
	for (const { field, type } of views) {
		part.properties.push({
			name: fastFieldOf(type),
			type,
			// An initializer, so that the first store is in the constructor (TypeScript writes
			// `super(...arguments)`, then these): V8 counts a constructor's `this.x =` stores to size the
			// object, and these fields stay in the object (stored from a method, the last ones went to
			// an out-of-object property array, `%DebugPrint`). One store each until the heap is
			// replaced keeps them constant fields, which TurboFan folds for a manager it holds.
			initializer: `this.fast.${field}`,
			docs: [`@internal \`fast.${field}\`, as a field of its own (see \`cacheFastViews\`).`],
		})
	}
	part.methods.push({
		name: 'cacheFastViews',
		docs: [
			'@internal Copies the views of `views` (the new `fast`) onto the manager, for the hot paths: one load ' +
				'from the manager instead of two. Called wherever `fast` is replaced (the constructor sets them first).',
		],
		scope: Scope.Protected,
		hasOverrideKeyword: true,
		parameters: [{ name: 'views', type: 'HeapViews' }],
		returnType: 'void',
		statements: views.map(({ field, type }) => `this.${fastFieldOf(type)} = views.${field}`),
	})
	return part
}
