/**
 * The wrapping facet of an element row: `wrap<T>(address)` and `wrap<T>Array(address, count)`,
 * one-line delegations with the row's constants baked in.
 */
import { facetParts, provenance, type FacetParts } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { codeWithArticle, describeElement, modules } from './snippets.js'
import { grouped } from './docGroups.js'

const emitter = 'emitWrap'

/** What every wrap's TSDoc says about ownership. */
export const wrapNote =
	'Wrapped refs are not tracked; their `free()` calls `options.deallocator` if given, does nothing more than invalidate the ref ' +
	'if it is `null` (a borrowed region), and otherwise calls the manager\'s deallocator on `address`.\n'

/** The wrapping members of one row (alias rows get their own, since they return their own ref class). */
export function emitWrap(element: NormalizedElement): FacetParts {
	const parts = facetParts()
	const { methods, byteSize, alignment, refClass, arrayRefClass } = element
	const trivia = provenance(element.name, emitter)
	const manager = parts.manager.use(modules.refs, refClass, arrayRefClass).use(modules.core, 'type WrapOptions')
	manager.methods.push({
		leadingTrivia: trivia,
		name: methods.wrap,
		docs: [
			`Wraps ${describeElement(element)} that already exists at \`address\` (for example a pointer C returned) in ${codeWithArticle(refClass)}.\n` +
				wrapNote +
				`@throws RangeError if \`address\` is 0 (a null pointer) or ${byteSize === 1 ? 'the byte does' : `the ${byteSize} bytes do`} not lie within the heap; TypeError for bad options`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'options', type: 'WrapOptions', hasQuestionToken: true },
		],
		returnType: refClass,
		statements: [`return this.core.wrapValue(${refClass}, ${byteSize}, ${alignment}, '${methods.wrap}', address, options)`],
	})
	manager.methods.push({
		leadingTrivia: trivia,
		name: methods.wrapArray,
		docs: [
			`Wraps an existing array of \`elementCount\` elements of ${describeElement(element)} at \`address\` in ${codeWithArticle(arrayRefClass)}.\n` +
				wrapNote +
				`@throws RangeError if \`address\` is 0, ${alignment > 1 ? `not a multiple of ${alignment}, ` : ''}or the elements do not lie within the heap; TypeError for bad options`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'elementCount', type: 'number' },
			{ name: 'options', type: 'WrapOptions', hasQuestionToken: true },
		],
		returnType: arrayRefClass,
		statements: [
			`return this.core.wrapArray(${arrayRefClass}, ${byteSize}, ${alignment}, '${methods.wrapArray}', address, elementCount, options)`,
		],
	})
	return grouped('emitWrap', parts)
}
