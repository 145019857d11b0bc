/** The view facet of an element row: the manager's `view<T>Array(address, count)` and the array ref's `view`. */
import { facetParts, provenance, type FacetParts } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { codeWithArticle, describeElement, modules } from './snippets.js'
import { grouped } from './docGroups.js'

const emitter = 'emitViews'

/** The view members of one full (non-alias) row. */
export function emitViews(element: NormalizedElement): FacetParts {
	const parts = facetParts()
	const { methods, viewConstructor, byteSize, alignment } = element
	const trivia = provenance(element.name, emitter)
	const storageNote = element.kind === 'pointer53' ? ' Pointer53 values are stored as uint64, so the view is a `BigUint64Array`.' : ''
	// A constructor some engines lack is looked up when called, and named in a TypeError where it is missing.
	const constructorExpression = element.viewNeedsGlobal ? `'${viewConstructor}'` : viewConstructor
	const returnType = element.viewNeedsGlobal ? `${viewConstructor}View` : viewConstructor
	if (element.viewNeedsGlobal) parts.manager.use(modules.globalConstructors, `type ${returnType}`)
	parts.manager.methods.push({
		leadingTrivia: trivia,
		name: methods.view,
		docs: [
			`${codeWithArticle(viewConstructor).replace(/^a/, 'A')} over \`elementCount\` elements of ${describeElement(element)} starting at \`address\`.${storageNote}\n` +
				`The view is a window on the heap's current buffer: use it at once, as growing the memory makes it stale.\n` +
				`@throws RangeError if ${alignment > 1 ? `\`address\` is not a multiple of ${alignment}, or ` : ''}the elements do not lie within the heap` +
				(element.viewNeedsGlobal ? `\n@throws TypeError where the engine has no \`${viewConstructor}\`` : ''),
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'elementCount', type: 'number' },
		],
		returnType,
		statements: [`return this.viewArray(${constructorExpression}, ${byteSize}, ${alignment}, '${methods.view}', address, elementCount)`],
	})
	if (element.viewNeedsGlobal) parts.arrayRef.use(modules.globalConstructors, `type ${returnType}`)
	parts.arrayRef.getAccessors.push({
		leadingTrivia: trivia,
		name: 'view',
		docs: [`A fresh \`${viewConstructor}\` over the array, from the heap's current buffer. Use it at once: growing the memory makes it stale.`],
		returnType,
		// The manager's cold body of `view<T>Array`, told the member to name in an error.
		statements: [
			`if (this.freed) this.throwFreed('view')`,
			`return this.manager.viewArray(${constructorExpression}, ${byteSize}, ${alignment}, \`\${this.refName}.view\`, this.address, this.elementCount)`,
		],
	})
	return grouped('emitViews', parts)
}
