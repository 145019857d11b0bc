/** Emits the array Ref class (`Int32ArrayRef`, ...) of every element row. */
import { Scope, type ClassDeclarationStructure, type OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement } from './snippets.js'

type ClassStructure = OptionalKind<ClassDeclarationStructure>

function emitArrayRefClass(element: NormalizedElement): ClassStructure {
	const { methods, arrayRefClass, valueType, byteSize } = element
	// One comparison checks the index and liveness: liveElementCount is 0 once freed.
	const indexCheck = (member: string): string =>
		`if (!(index >= 0 && index < this.liveElementCount && Number.isInteger(index))) this.throwIndexOrFreed('${member}', index)`
	const elementAddress = `this.address + index * ${byteSize}`
	const aliasNote = element.aliasOf !== undefined ? ` Behaves exactly like \`${element.aliasOf}ArrayRef\`.` : ''
	return {
		name: arrayRefClass,
		isExported: true,
		extends: 'ArrayHeapRef',
		docs: [
			`A reference to an array of ${describeElement(element)} on the heap, returned by \`${methods.allocArray}\` and \`${methods.wrapArray}\`.${aliasNote}\n` +
				`Every member throws \`Error\` once the ref is freed; indices are checked against \`elementCount\`.`,
		],
		getAccessors: [
			{
				name: 'refName',
				scope: Scope.Protected,
				docs: ['@internal'],
				returnType: 'string',
				statements: [`return '${arrayRefClass}'`],
			},
			{
				name: 'bytesPerElement',
				docs: [`Bytes per element: ${byteSize}.`],
				returnType: `${byteSize}`,
				statements: [`return ${byteSize}`],
			},
			{
				name: 'view',
				docs: [
					`A fresh \`${element.viewConstructor}\` over the array, from the heap's current buffer. Use it at once: growing the memory makes it stale.`,
				],
				returnType: element.viewConstructor,
				statements: [
					`if (this.freed) this.throwFreed('view')`,
					`return this.manager.${methods.view}(this.address, this.elementCount)`,
				],
			},
		],
		methods: [
			{
				name: 'readAt',
				docs: ['Reads the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`'],
				parameters: [{ name: 'index', type: 'number' }],
				returnType: valueType,
				statements: [indexCheck('readAt'), `return this.manager.${methods.read}(${elementAddress})`],
			},
			{
				name: 'writeAt',
				docs: [
					`Writes the element at \`index\`, converted as \`${methods.write}\` converts it.\n@throws RangeError if \`index\` is not an integer in \`[0, elementCount)\``,
				],
				parameters: [
					{ name: 'index', type: 'number' },
					{ name: 'value', type: valueType },
				],
				returnType: 'void',
				statements: [indexCheck('writeAt'), `this.manager.${methods.write}(${elementAddress}, value)`],
			},
			{
				name: 'readAtomicAt',
				docs: ['Atomically reads the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`'],
				parameters: [{ name: 'index', type: 'number' }],
				returnType: valueType,
				statements: [indexCheck('readAtomicAt'), `return this.manager.${methods.readAtomic}(${elementAddress})`],
			},
			{
				name: 'writeAtomicAt',
				docs: ['Atomically writes the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`'],
				parameters: [
					{ name: 'index', type: 'number' },
					{ name: 'value', type: valueType },
				],
				returnType: 'void',
				statements: [indexCheck('writeAtomicAt'), `this.manager.${methods.writeAtomic}(${elementAddress}, value)`],
			},
		],
	}
}

/** The array Ref classes, in table order. */
export function emitArrayRefClasses(elements: readonly NormalizedElement[]): ClassStructure[] {
	return elements.map(emitArrayRefClass)
}
