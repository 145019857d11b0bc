/**
 * The whole-heap views of the element rows: `heapInt8`, `heapUint8`, ... `heapFloat64`,
 * getters on the manager like Emscripten's `HEAP8` ... `HEAPF64`, except that they are
 * polled first, so they always view the current buffer.
 */
import { Part, provenance } from './emitted.js'
import { fieldNameOf, type NormalizedElement } from './normalize.js'
import { describeElement } from './snippets.js'
import { grouped } from './docGroups.js'

/** The `heap<T>` getter of one row, or nothing for a row without one (see `NormalizedElement.heapView`). */
export function emitWholeHeapView(element: NormalizedElement): Part {
	const part = new Part()
	if (element.heapView === undefined) return part
	part.getAccessors.push({
		leadingTrivia: provenance(element.name, 'emitWholeHeapViews'),
		name: element.heapView,
		docs: [
			`${/^[AEIO]/.test(element.viewConstructor) ? 'An' : 'A'} \`${element.viewConstructor}\` over the whole heap (each element ${describeElement(element)}), as Emscripten's \`HEAP*\` views: ` +
				`the manager polls for a replaced buffer first (unless \`pollingMode\` is \`'never'\`), so it views the current one. ` +
				`Read it again after anything that may grow the memory. On an engine that caps typed arrays (Node 20: 2^32 elements) it ends at the cap.`,
		],
		returnType: element.viewConstructor,
		statements: [`return this.currentViews('${element.heapView}').${fieldNameOf(element.viewConstructor)}`],
	})
	return grouped('emitWholeHeapViews', part)
}
