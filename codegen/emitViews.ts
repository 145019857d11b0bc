/** Emits `view<T>Array(address, elementCount)` for every element row. */
import type { MethodDeclarationStructure, OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement, writeElementCountCheck } from './snippets.js'

type Method = OptionalKind<MethodDeclarationStructure>

function emitView(element: NormalizedElement): Method {
	const method = element.methods.view
	const aliasNote = element.aliasOf !== undefined ? ` Identical to \`view${element.aliasOf}Array\`.` : ''
	const storageNote = element.kind === 'pointer53' ? ' Pointer53 values are stored as uint64, so the view is a `BigUint64Array`.' : ''
	return {
		name: method,
		docs: [
			`A \`${element.viewConstructor}\` over \`elementCount\` elements of ${describeElement(element)} starting at \`address\`.${aliasNote}${storageNote}\n` +
				`The view is a window on the heap's current buffer: use it at once, as growing the memory makes it stale.\n` +
				`@throws RangeError if \`address\` is not a multiple of ${element.byteSize}, or the elements do not lie within the heap`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'elementCount', type: 'number' },
		],
		returnType: element.viewConstructor,
		statements: (writer) => {
			writeElementCountCheck(writer, 'elementCount', method)
			writer.writeLine(
				`const buffer = this.alignedRegion(address, elementCount * ${element.byteSize}, ${element.byteSize}, '${method}')`,
			)
			writer.writeLine(`return new ${element.viewConstructor}(buffer, address, elementCount)`)
		},
	}
}

/** The view methods, in table order. */
export function emitViewMethods(elements: readonly NormalizedElement[]): Method[] {
	return elements.map(emitView)
}
