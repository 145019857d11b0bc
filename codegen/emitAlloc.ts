/**
 * The allocation facet of an element row: `alloc<T>()` and `alloc<T>Array(countOrValues)`,
 * delegations to the allocation collaborator with the row's constants baked in (and, for
 * a value, the one store that zeroes it or writes its value).
 */
import { Scope, type CodeBlockWriter } from 'ts-morph'
import { facetParts, provenance, type FacetParts } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { codeWithArticle, describeElement, modules } from './snippets.js'
import { counted } from '../src/wording.js'
import { grouped } from './docGroups.js'

const emitter = 'emitAlloc'

/** The whole-heap view that zeroes an aligned region of each width in one store (+0.0 is all zero bits). */
const zeroView: Readonly<Record<1 | 2 | 4 | 8, string>> = { 1: 'fastUint8Array', 2: 'fastUint16Array', 4: 'fastInt32Array', 8: 'fastFloat64Array' }

/** The allocation members of one row (alias rows get their own, since they return their own ref class). */
export function emitAlloc(element: NormalizedElement): FacetParts {
	const parts = facetParts()
	const { methods, byteSize, alignment, refClass, arrayRefClass } = element
	const trivia = provenance(element.name, emitter)
	const manager = parts.manager.use(modules.refs, refClass, arrayRefClass)
	// The value path's private method: a TypeScript `private` one, not an ES `#` one, whose
	// brand check would throw a TypeError for any other receiver (a Proxy of the manager, an
	// object inheriting from it), where every other method works; and, on the prototype, it
	// is among the library's frames for debug mode as the other methods are.
	const withValue = `${methods.alloc}Of`
	/** Converts (or checks) `value` first: a bad value throws before the allocator is called. */
	const convertValue = (writer: CodeBlockWriter, guard: string): void => {
		if (element.kind === 'pointer53') {
			manager.use(modules.errors, 'throwPointer53ValueError')
			writer.writeLine(`if (${guard}!(Number.isSafeInteger(value) && value >= 0)) throwPointer53ValueError('${methods.alloc}', value)`)
		} else {
			const [type, convert] = element.valueType === 'bigint' ? ['bigint', 'bigintValue'] : ['number', 'numberValue']
			manager.use(modules.conversions, convert)
			writer.writeLine(`if (${guard}typeof value !== '${type}') value = ${convert}(value, '${methods.alloc}')`)
		}
	}
	manager.methods.push({
		leadingTrivia: trivia,
		name: methods.alloc,
		docs: [
			`Allocates ${describeElement(element)} (${counted(byteSize, 'byte')}, aligned to ${alignment}) and returns ${codeWithArticle(refClass)} to it.\n` +
				`The region is zeroed unless \`clearAllocatedRegions\` is off, and tracked unless \`trackAllocations\` is off.\n` +
				`@param value written after zeroing, converted as \`${methods.write}\` converts it (before anything is allocated)\n` +
				`@throws Error if the allocator fails; TypeError or RangeError for a bad value, in which case nothing is allocated`,
		],
		parameters: [{ name: 'value', type: element.valueType, hasQuestionToken: true }],
		returnType: refClass,
		statements: (writer) => {
			if (element.alignment === element.byteSize) {
				// One shared method makes, checks and tracks the ref (`new ${refClass}` there is a
				// constant once V8 inlines it here); its hot path leaves the region to this store,
				// one of the row's width (issue 11: see allocValue). With a value, the private
				// method below: its bytecode then stays out of what V8 inlines into a loop of
				// alloc<T>() calls without one.
				writer.writeLine(`if (value !== undefined) return this.${withValue}(value)`)
				writer.writeLine(`const ref = this.core.allocValue(${refClass}, ${byteSize}, '${methods.alloc}')`)
				writer.writeLine(`if (this.core.clearAllocatedRegions === true) this.${zeroView[byteSize]}[ref.address / ${byteSize}] = 0`)
				writer.writeLine('return ref')
				return
			}
			convertValue(writer, 'value !== undefined && ')
			writer.writeLine('const core = this.core')
			writer.writeLine(
				`const ref = core.track(new ${refClass}(this, core.allocateRegion(${byteSize}, ${alignment}, '${methods.alloc}'), ${byteSize}, core.tracking), ${alignment})`,
			)
			writer.writeLine(`if (value !== undefined) this.${methods.write}(ref.address, value)`)
			writer.writeLine('return ref')
		},
	})
	if (element.alignment === element.byteSize) {
		manager.methods.push({
			leadingTrivia: trivia,
			name: withValue,
			scope: Scope.Private,
			docs: [`@internal \`${methods.alloc}(value)\`: the value converted (or checked) first, so that a bad one throws before anything is allocated, then written.`],
			parameters: [{ name: 'value', type: element.valueType }],
			returnType: refClass,
			statements: (writer) => {
				convertValue(writer, '')
				writer.writeLine(`const ref = this.core.allocValue(${refClass}, ${byteSize}, '${methods.alloc}')`)
				writer.writeLine(`this.${methods.write}(ref.address, value)`)
				writer.writeLine('return ref')
			},
		})
	}
	// The values are converted into a staging array before anything is allocated, so a bad
	// value throws with the heap untouched, and a source view over a heap that the
	// allocation grows (and detaches) has already been read.
	let stage = 'undefined'
	if (element.kind === 'pointer53') {
		manager.use(modules.conversions, 'pointer53ToStored')
		stage = 'pointer53ToStored'
	} else if (element.bits !== undefined) {
		manager.use(modules.conversions, element.bits.toBits)
		stage = element.bits.toBits
	} else if (element.valueType === 'bigint') {
		manager.use(modules.conversions, 'bigintElement')
		stage = 'bigintElement'
	}
	manager.methods.push({
		leadingTrivia: trivia,
		name: methods.allocArray,
		docs: [
			`Allocates an array of ${describeElement(element)} and returns ${codeWithArticle(arrayRefClass)} to it.\n` +
				`@param elementCountOrValues the number of elements, or an array-like of values to copy in ` +
				`(converted as \`${methods.write}\` converts, all of them before anything is allocated)\n` +
				`@throws Error if the allocator fails; TypeError or RangeError for a bad count or value, in which case nothing is allocated or written`,
		],
		parameters: [{ name: 'elementCountOrValues', type: `number | ArrayLike<${element.valueType}>` }],
		returnType: arrayRefClass,
		statements: [
			`return this.core.allocArray(${arrayRefClass}, ${element.stagingConstructor}, ${stage}, ${byteSize}, ${alignment}, '${methods.allocArray}', elementCountOrValues, '${element.stagingViewField}')`,
		],
	})
	return grouped('emitAlloc', parts)
}
