/** Emits `wrap<T>(address)` and `wrap<T>Array(address, elementCount)` for every element row. */
import type { MethodDeclarationStructure, OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement, writeElementCountCheck } from './snippets.js'

type Method = OptionalKind<MethodDeclarationStructure>

function emitWrap(element: NormalizedElement): Method {
	const method = element.methods.wrap
	return {
		name: method,
		docs: [
			`Wraps ${describeElement(element)} that already exists at \`address\` (for example a pointer C returned) in a \`${element.refClass}\`.\n` +
				`Wrapped refs are not tracked; their \`free()\` calls the deallocator on \`address\`.\n` +
				`@throws RangeError if \`address\` is 0 (a null pointer) or the ${element.byteSize} bytes do not lie within the heap`,
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: element.refClass,
		statements: [
			`this.wrapRegion(address, ${element.byteSize}, 1, '${method}')`,
			`return new ${element.refClass}(this, address, ${element.byteSize}, false)`,
		],
	}
}

function emitWrapArray(element: NormalizedElement): Method {
	const method = element.methods.wrapArray
	const size = element.byteSize
	return {
		name: method,
		docs: [
			`Wraps an existing array of \`elementCount\` elements of ${describeElement(element)} at \`address\` in a \`${element.arrayRefClass}\`.\n` +
				`Wrapped refs are not tracked; their \`free()\` calls the deallocator on \`address\`.\n` +
				`@throws RangeError if \`address\` is 0, not a multiple of ${size}, or the elements do not lie within the heap`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'elementCount', type: 'number' },
		],
		returnType: element.arrayRefClass,
		statements: (writer) => {
			writeElementCountCheck(writer, 'elementCount', method)
			writer.writeLine(`this.wrapRegion(address, elementCount * ${size}, ${size}, '${method}')`)
			writer.writeLine(`return new ${element.arrayRefClass}(this, address, elementCount * ${size}, false, elementCount)`)
		},
	}
}

/** The wrapping methods, in table order. */
export function emitWrapMethods(elements: readonly NormalizedElement[]): Method[] {
	return elements.flatMap((element) => [emitWrap(element), emitWrapArray(element)])
}
