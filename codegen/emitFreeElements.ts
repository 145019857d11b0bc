/**
 * The `free(options?)` of a pointer row's array ref (`Pointer32ArrayRef`,
 * `Pointer53ArrayRef`, `Pointer64ArrayRef`): with `{ freeElements: true }` it frees what
 * the array points to, then the array (the manager's `freeWithElements` does the work).
 */
import { provenance, type Method } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { groupedMembers } from './docGroups.js'

/** The override, for a row whose `pointer` column is set. */
export function emitFreeElements(element: NormalizedElement): Method {
	const member = `${element.arrayRefClass}.free`
	return groupedMembers('emitFreeElements', 'class', [{
		leadingTrivia: provenance(element.name, 'emitFreeElements'),
		name: 'free',
		hasOverrideKeyword: true,
		docs: [
			'Frees the array, as every ref\'s `free()` does. With `{ freeElements: true }` it first frees every non-null address the array holds ' +
				"(each address once): a region a live tracked ref of this manager starts at is freed as that ref (with its size and alignment), " +
				'any other through the manager\'s deallocator as a pointer of unknown size (`byteSize` and `alignment` `undefined`, as C\'s `free` takes it). ' +
				'A deallocator that throws does not stop the others: everything is freed, then its error is thrown (an `AggregateError` for several).\n' +
				'@throws TypeError for bad options, RangeError if an element is not an address within the heap, Error if the ref was released: in all three cases nothing is freed',
		],
		parameters: [{ name: 'options', type: '{ readonly freeElements?: boolean | undefined }', hasQuestionToken: true }],
		returnType: 'void',
		statements: [
			`if (this.manager.core.freeElementsRequested(options, '${member}') && !this.freed) this.manager.core.freeWithElements(this, this.view, '${member}')`,
			'else super.free()',
		],
	}])[0]!
}
