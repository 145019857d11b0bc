/**
 * The plain-access facet of an element row: the manager's `read<T>(address)` and
 * `write<T>(address, value)`, the value ref's `read()`/`write()`/`value`, and the
 * array ref's `readAt(i)`/`writeAt(i, v)`.
 */
import { Scope } from 'ts-morph'
import { facetParts, provenance, type FacetParts, type Part } from './emitted.js'
import { fastFieldOf } from './emitHeapViews.js'
import { indexesItsView, type NormalizedElement } from './normalize.js'
import { alignedIndexTest, describeElement, elementRead, elementWrite, modules, liveRefValue, plainAccessCheck, refThrowsDoc, typeErrorDoc, valueConversion } from './snippets.js'
import { grouped } from './docGroups.js'
import type { Writer } from './snippets.js'

const emitter = 'emitAccess'

/** The manager's own fields for its byte view and its `DataView` (see `emitFastViewFields`). */
const fastBytes = fastFieldOf('Uint8Array')
const fastDataView = fastFieldOf('DataView')

const conversions: Record<NormalizedElement['kind'], (element: NormalizedElement) => string> = {
	int: () => 'wraps around as assigning to a typed array element does',
	clampedInt: () => 'is clamped to 0..255 and rounded half to even, as `Uint8ClampedArray` does',
	float: (element) =>
		element.byteSize === 8 ? 'is stored exactly' : `is rounded to the nearest \`${element.cType}\` (ties to even)`,
	bigint: () => 'wraps around to 64 bits',
	pointer53: () => 'must be an integer from 0 to `2^53 - 1`',
}

/** The plain-access members of one full (non-alias) row. */
export function emitAccess(element: NormalizedElement): FacetParts {
	const parts = facetParts()
	const { methods, valueType, byteSize } = element
	const trivia = provenance(element.name, emitter)
	const storedNote = element.kind === 'pointer53' ? ', or the stored uint64 is above `2^53 - 1`' : ''

	const read = parts.manager
	read.methods.push({
		leadingTrivia: trivia,
		name: methods.read,
		docs: [
			`Reads ${describeElement(element)} at \`address\` (any alignment, little-endian).\n` +
				`@throws RangeError if the ${byteSize}-byte access does not lie within the heap${storedNote}` +
				typeErrorDoc(element),
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: valueType,
		statements: [alignedRead(element, read), plainAccessCheck(byteSize, methods.read), elementRead(element, 'address', methods.read, read)],
	})
	read.methods.push({
		leadingTrivia: trivia,
		name: methods.write,
		docs: [
			`Writes ${describeElement(element)} at \`address\` (any alignment, little-endian). The value ${conversions[element.kind](element)}.\n` +
				`@throws RangeError if the ${byteSize}-byte access does not lie within the heap; nothing is written` +
				(element.kind === 'pointer53' ? '\n@throws RangeError if the value is not a valid pointer53' : '') +
				typeErrorDoc(element, ['value']),
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: valueType },
		],
		returnType: 'void',
		statements: [
			valueConversion(element, methods.write, read),
			alignedWrite(element, read),
			plainAccessCheck(byteSize, methods.write),
			elementWrite(element, 'address', methods.write, read),
		],
	})

	// The value ref reads inline: the address was checked when the ref was made, so only
	// its end (Infinity once freed) is compared with the heap's live length.
	// The setter converts a value itself, so that the error names `value` (a conversion of 12
	// to 31 bytes of bytecode that measured 0.94-1.02x on Node 20, 0.97-1.02x on Node 24 when
	// it was added), and then writes as `write` does; the getter reads as `read` does. They do
	// not call `read`/`write` (which TurboFan inlined into them) but repeat their statements
	// with their own name, so that the cold path's errors name `value` too. A conversion's
	// error names `this.refName`'s member: an alias row's class (`Pointer32Ref`) shares these
	// members. A pointer53 value is checked by the write itself (`elementWrite`), once.
	const ref = parts.ref
	const conversionAs = (member: string): Writer =>
		element.kind === 'pointer53'
			? () => {}
			: valueConversion(element, member, ref, 'value', `\`\${this.refName}.${member}\``)
	// The cold path (the ref's end past the live heap: freed, the memory grown, or a mode
	// that serves every access there) takes the manager's checked view through
	// `HeapRef.liveView`, whose errors name the member, where the manager's
	// `read<T>`/`write<T>` would name itself.
	// The fast path is what it was when the cold path called the manager: a comparison, an
	// early return (a block for writes), then the live view. A conditional choosing the view
	// instead (`const view = live ? fastDataView : liveView(...)`) measured `Int32Ref value += 1`
	// at 0.50-0.66x in the realistic regime (Node 20, both orders); pointer53 reads keep it
	// (their read is several statements, and was written so before).
	const live = `this.liveEnd <= manager.${fastBytes}.length`
	const coldView = (member: string): string => `this.liveView(${byteSize}, '${member}')`
	const readAs = (member: string): Writer => {
		const refRead = elementRead(element, 'this.address', `${element.refClass}.${member}`, ref)
		return (writer) => {
			writer.writeLine('const manager = this.manager')
			if (element.kind === 'pointer53') {
				writer.writeLine(`const view = ${live} ? manager.${fastDataView} : ${coldView(member)}`)
			} else {
				writer.write(`if (!(${live}))`).block(() => {
					writer.writeLine(`const view = ${coldView(member)}`)
					refRead(writer)
				})
				writer.writeLine(`const view = manager.${fastDataView}`)
			}
			refRead(writer)
		}
	}
	const writeAs = (member: string): Writer => {
		const conversion = conversionAs(member)
		const refWrite = elementWrite(element, 'this.address', `${element.refClass}.${member}`, ref, true)
		return (writer) => {
			conversion(writer)
			writer.writeLine('const manager = this.manager')
			writer.write(`if (!(${live}))`).block(() => {
				writer.writeLine(`const view = ${coldView(member)}`)
				refWrite(writer)
				writer.writeLine('return')
			})
			writer.writeLine(`const view = manager.${fastDataView}`)
			refWrite(writer)
		}
	}
	ref.getAccessors.push({
		leadingTrivia: trivia,
		name: 'value',
		docs: [`The referenced value: reading it reads as \`${methods.read}\` does, assigning it writes as \`${methods.write}\` does.`],
		returnType: valueType,
		statements: readAs('value'),
	})
	ref.setAccessors.push({
		name: 'value',
		docs: [`Writes the referenced value, converted as \`${methods.write}\` converts it; its errors name \`value\`.`],
		parameters: [{ name: 'value', type: valueType }],
		statements: writeAs('value'),
	})
	ref.methods.push({
		leadingTrivia: trivia,
		name: 'read',
		docs: ['Reads the value.' + refThrowsDoc(element)],
		returnType: valueType,
		statements: readAs('read'),
	})
	ref.methods.push({
		leadingTrivia: trivia,
		name: 'write',
		docs: [`Writes a value, converted as \`${methods.write}\` converts it.` + refThrowsDoc(element, { values: ['value'] })],
		parameters: [{ name: 'value', type: valueType }],
		returnType: 'void',
		statements: writeAs('write'),
	})

	const arrayRef = parts.arrayRef
	if (!indexesItsView(element)) {
		emitCheckedArrayAccess(element, arrayRef, trivia)
	} else {
		emitElementArrayAccess(element, arrayRef, trivia)
	}
	return grouped('emitAccess', parts)
}

/**
 * The index test of `writeAt`'s fast path: a number equal to its 32-bit integer conversion,
 * and not negative: an integer in `[0, 2^31)`. `typeof` comes first, so nothing is called on
 * a non-number (no `valueOf`); a larger index, or anything else, takes the cold path, whose
 * {@link indexCheck} is the full one (an index of 2^31 or more, in an array of more elements
 * than that, is written correctly there, through the manager, and the cold path makes the
 * view again each time: slower, as every cold call is). Not `Number.isInteger`: Node 24's Maglev (V8 13.6)
 * compiles that as a call of the `NumberIsInteger` builtin (bench/notes.ts,
 * `node24RefTiers`); TurboFan compiles this test to the same instructions as before on
 * Node 20 and Node 24 (`--print-opt-code`), where `index === index >>> 0` cost Node 24 two
 * int-to-double conversions and a float compare. `readAt` keeps `Number.isInteger` (see there).
 */
const fastIndex = "typeof index === 'number' && index === (index | 0) && index >= 0"

/** An array ref's index check: one comparison checks the index and liveness (`liveElementCount` is 0 once freed). */
export function indexCheck(member: string): string {
	return `if (!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount)) this.throwIndexOrFreed('${member}', index)`
}

const readAtDocs = (element: NormalizedElement): string =>
	'Reads the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`' + refThrowsDoc(element, { index: true })
const writeAtDocs = (element: NormalizedElement): string =>
	`Writes the element at \`index\`, converted as \`${element.methods.write}\` converts it.\n@throws RangeError if \`index\` is not an integer in \`[0, elementCount)\`` +
	refThrowsDoc(element, { index: true, values: ['value'] })

/**
 * `call`, the cold path's value, as an expression TurboFan types as the row's values: `+`
 * for floats, `| 0` (`>>> 0` for unsigned 32-bit) for integers; a bigint row's as it is.
 * The value is unchanged (the cold path returns the row's type), but without it TurboFan
 * types the call's result as any value, merges it with the fast path's number as a tagged
 * value, and so boxes every fast-path read in a caller's loop once the cold path has run
 * (`--print-opt-code`, Node 20: a Smi-or-HeapNumber test and tag, then the untag in the
 * caller, per element).
 */
function ofRowType(element: NormalizedElement, call: string): string {
	if (element.valueType === 'bigint') return call
	if (element.kind === 'float') return `+${call}`
	return element.dataViewAccessor === 'Uint32' ? `${call} >>> 0` : `${call} | 0`
}

/**
 * `const view = …` for an array ref's access at `address`: the manager's live `DataView`
 * while the ref lies in the live heap (one comparison of its end), else the polled one for
 * the `byteSize` bytes at `address` (`HeapRef.polledView`), whose errors name `member`
 * (`Pointer53ArrayRef.readAt: ...`) rather than the manager's method. `address` was checked
 * with the index (and the ref's liveness).
 */
function liveOrPolledView(address: string, byteSize: number, member: string): string {
	return `const view = this.liveEnd <= manager.${fastBytes}.length ? manager.${fastDataView} : this.polledView(${address}, ${byteSize}, '${member}')`
}

/**
 * `readAt`/`writeAt` through the manager's checked `read<T>`/`write<T>`: for rows whose
 * typed-array element access differs from the library's (pointer53's range check, values
 * stored as bits, whose view some engines lack).
 */
function emitCheckedArrayAccess(element: NormalizedElement, arrayRef: Part, trivia: string): void {
	const { valueType, byteSize } = element
	// Read and written here, through the live view or the polled one (see liveOrPolledView),
	// as the manager's `read<T>`/`write<T>` do, so that every error (a pointer53 stored past
	// 2^53 - 1 or refused, the heap's buffer detached) names `readAt`/`writeAt`.
	const read = elementRead(element, 'address', `${element.arrayRefClass}.readAt`, arrayRef)
	const write = elementWrite(element, 'address', `${element.arrayRefClass}.writeAt`, arrayRef)
	arrayRef.methods.push({
		leadingTrivia: trivia,
		name: 'readAt',
		docs: [readAtDocs(element)],
		parameters: [{ name: 'index', type: 'number' }],
		returnType: valueType,
		statements: (writer) => {
			writer.writeLine(indexCheck('readAt'))
			writer.writeLine(`const address = this.address + index * ${byteSize}`)
			writer.writeLine('const manager = this.manager')
			writer.writeLine(liveOrPolledView('address', byteSize, 'readAt'))
			read(writer)
		},
	})
	arrayRef.methods.push({
		leadingTrivia: trivia,
		name: 'writeAt',
		docs: [writeAtDocs(element)],
		parameters: [
			{ name: 'index', type: 'number' },
			{ name: 'value', type: valueType },
		],
		returnType: 'void',
		statements: (writer) => {
			writer.writeLine(indexCheck('writeAt'))
			writer.writeLine(liveRefValue(element, 'writeAt'))
			writer.writeLine(`const address = this.address + index * ${byteSize}`)
			writer.writeLine('const manager = this.manager')
			writer.writeLine(liveOrPolledView('address', byteSize, 'writeAt'))
			write(writer)
		},
	})
}

/**
 * `writeAt` through a typed array over the ref's own elements (`elements`; `readAt` reads
 * the heap's `DataView` after one comparison, see below), for
 * rows whose typed-array element access is the library's conversion: one comparison
 * (a live index of the live view) and an indexed access, as raw code does. The view is
 * made by the cold path, which does the checked access through the manager first (so
 * polling, growth and every error are the manager's), and is empty before first use,
 * once freed, once its buffer is detached, and whenever the ref may not cache one (see
 * `ArrayHeapRef.elementView`). A write of a value of another type takes the cold path,
 * which converts it as the manager does.
 */
function emitElementArrayAccess(element: NormalizedElement, arrayRef: Part, trivia: string): void {
	const { methods, valueType, byteSize } = element
	const View = element.viewConstructor
	const empty = `${element.arrayRefClass}.noElements`
	arrayRef.properties.push(
		{
			name: 'noElements',
			docs: ['@internal The empty view: `elements` before first use and once freed.'],
			scope: Scope.Private,
			isStatic: true,
			isReadonly: true,
			initializer: `new ${View}(0)`,
		},
		{
			name: 'elements',
			docs: ['@internal A view of the elements for the fast paths, made by their cold path (empty until then; see `elementView`).'],
			scope: Scope.Private,
			type: View,
		},
	)
	// Set in a constructor with the base's parameters: a field initializer makes TypeScript
	// write `constructor() { super(...arguments) }`, a spread on every allocation.
	arrayRef.use(modules.manager, 'type WasmHeapManager')
	arrayRef.ctors.push({
		docs: ["Array refs are made by the manager's `alloc*Array` and `wrap*Array` methods; see {@link HeapRef}'s constructor."],
		parameters: [
			{ name: 'manager', type: 'WasmHeapManager' },
			{ name: 'address', type: 'number' },
			{ name: 'allocatedByteSize', type: 'number' },
			{ name: 'tracked', type: 'boolean' },
			{ name: 'elementCount', type: 'number' },
		],
		statements: ['super(manager, address, allocatedByteSize, tracked, elementCount)', `this.elements = ${empty}`],
	})
	const liveIndex = `${fastIndex} && index < elements.length`
	// The cold paths read and write through the manager's checked view (`HeapRef.polledView`:
	// polling, growth), as its `read<T>`/`write<T>` do after their fast path, with errors naming
	// `readAt`/`writeAt` rather than the manager's method.
	const coldRead = elementRead(element, 'address', `${element.arrayRefClass}.readAt`, arrayRef)
	const coldWrite = elementWrite(element, 'address', `${element.arrayRefClass}.writeAt`, arrayRef)
	arrayRef.methods.push(
		{
			// readAt reads the heap's DataView after one comparison, as value refs do: through the
			// ref's own view it measured 0.30-0.35x with three managers alive and 0.64x with heaps
			// grown (bench/reshape-comparison.md), and the manager's checked read 0.58-0.82x.
			leadingTrivia: trivia,
			name: 'readAt',
			docs: [readAtDocs(element)],
			parameters: [{ name: 'index', type: 'number' }],
			returnType: valueType,
			statements: [
				// Through `manager.fast`, not the manager's own `fastUint8Array`/`fastDataView` as the value refs: that
				// brings `readAt` to 99 bytes of bytecode, which Node 24's Maglev then inlines (see below); measured
				// realistic, 64 calls, Node 24: 0.47-0.55x (bench/compare-builds.ts, both orders).
				'const fast = this.manager.fast',
				// `Number.isInteger`, not `fastIndex`: with it `readAt` is 106-107 bytes of bytecode (104 before the cold
				// call's `ofRowType`), over Node 24's Maglev inlining limit (100), so code Maglev compiles calls readAt's own
				// TurboFan code. Inlined (98 bytes
				// with `fastIndex`) it measured 6.1 -> 2.4 ns a call pristine but 6.3 -> 12.4 ns realistic: once any
				// buffer is detached, Maglev calls the `DataViewPrototypeGetFloat64` builtin instead of inlining the read
				// (bench/ref-tiers.mjs, bench/notes.ts `node24RefTiers`).
				`if (!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount && this.liveEnd <= fast.uint8Array.length)) return ${ofRowType(element, 'this.readAtCold(index)')}`,
				`return fast.dataView.get${element.dataViewAccessor}(this.address + index * ${byteSize}${byteSize > 1 ? ', true' : ''})`,
			],
		},
		{
			name: 'readAtCold',
			docs: ["@internal Cold path of `readAt`: the manager's checked read (polling, growth, errors)."],
			scope: Scope.Private,
			parameters: [{ name: 'index', type: 'number' }],
			returnType: valueType,
			statements: (writer) => {
				writer.writeLine(indexCheck('readAt'))
				writer.writeLine(`const address = this.address + index * ${byteSize}`)
				writer.writeLine(`const view = this.polledView(address, ${byteSize}, 'readAt')`)
				coldRead(writer)
			},
		},
		{
			leadingTrivia: trivia,
			name: 'writeAt',
			docs: [writeAtDocs(element)],
			parameters: [
				{ name: 'index', type: 'number' },
				{ name: 'value', type: valueType },
			],
			returnType: 'void',
			statements: (writer) => {
				writer.writeLine('const elements = this.elements')
				writer.write(`if (!(typeof value === '${valueType}' && ${liveIndex}))`).block(() => {
					writer.writeLine('this.writeAtCold(index, value)')
					writer.writeLine('return')
				})
				writer.writeLine('elements[index] = value')
			},
		},
		{
			name: 'writeAtCold',
			docs: [
				'@internal Cold path of `writeAt`: the index, the value converted and the ref checked again (see `HeapRef.liveNumber`), the checked write, then a view for the next calls.',
			],
			scope: Scope.Private,
			parameters: [
				{ name: 'index', type: 'number' },
				{ name: 'value', type: valueType },
			],
			returnType: 'void',
			statements: (writer) => {
				writer.writeLine(indexCheck('writeAt'))
				writer.writeLine(liveRefValue(element, 'writeAt'))
				writer.writeLine(`const address = this.address + index * ${byteSize}`)
				writer.writeLine(`const view = this.polledView(address, ${byteSize}, 'writeAt')`)
				coldWrite(writer)
				writer.writeLine(`this.elements = this.elementView(${View}, ${empty})`)
			},
		},
		{
			name: 'invalidate',
			docs: ['@internal'],
			scope: Scope.Protected,
			hasOverrideKeyword: true,
			returnType: 'void',
			statements: ['super.invalidate()', `this.elements = ${empty}`],
		},
	)
}

/**
 * The aligned-index test of the manager's `read<T>` and `write<T>` fast paths (see
 * {@link alignedIndexTest}), with `elements` the row's live whole-heap typed array. The
 * caller imports `littleEndianHost` for rows wider than a byte.
 */
function alignedIndex(element: NormalizedElement, writer: import('ts-morph').CodeBlockWriter): string {
	writer.writeLine(`const elements = this.${fastFieldOf(element.viewConstructor)}`)
	const condition = alignedIndexTest(writer, element.byteSize, 'index')
	return element.byteSize === 1 ? condition : `${condition} && littleEndianHost`
}

/**
 * The statement after a manager's `write<T>` conversion, for rows that index their view:
 * an aligned address inside the live whole-heap typed array is written through it, after
 * an explicit check (see {@link alignedIndex}; single bytes as {@link alignedRead}) (the value is already of the row's type,
 * and the typed array's store converts it as the `DataView` setter does); anything else
 * goes on to the DataView path and its checks.
 */
function alignedWrite(element: NormalizedElement, part: Part): (writer: import('ts-morph').CodeBlockWriter) => void {
	if (!indexesItsView(element)) return () => {}
	if (element.byteSize > 1) part.use(modules.heapRef, 'littleEndianHost')
	return (writer) => {
		const condition = alignedIndex(element, writer)
		writer.write(`if (${condition})`).block(() => {
			writer.writeLine('elements[index] = value')
			writer.writeLine('return')
		})
	}
}

/**
 * The first statement of a manager's `read<T>` for rows that index their view: an
 * aligned address inside the live whole-heap typed array is read through it, after an
 * explicit check (a number, an integer index, below the view's live length); anything
 * else goes on to the DataView path and its checks. Single bytes index the byte view.
 */
function alignedRead(element: NormalizedElement, part: Part): (writer: import('ts-morph').CodeBlockWriter) => void {
	if (!indexesItsView(element)) return () => {}
	part.use(modules.heapRef, 'littleEndianHost')
	return (writer) => {
		const condition = alignedIndex(element, writer)
		writer.writeLine(`if (${condition}) return elements[index]!`)
	}
}

