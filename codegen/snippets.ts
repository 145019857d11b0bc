/**
 * Code fragments more than one emitter writes, so that every generated member checks
 * bounds and converts values the same way. Each fragment records the imports it needs
 * in the `Part` it is written for when it is called, and returns the writer that
 * prints it.
 *
 * The conversion of a value to its bytes is decided here, once, from the row: a
 * `DataView` accessor, the row's `bits` conversions, the clamp of `clampedInt`, or the
 * two 32-bit halves of `pointer53`.
 */
import type { CodeBlockWriter } from 'ts-morph'
import { fastFieldOf } from './emitHeapViews.js'
import type { Part } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { article, withArticle } from '../src/wording.js'

export { withArticle }

export type Writer = (writer: CodeBlockWriter) => void

/** Module specifiers, relative to `generated/`. */
export const modules = {
	conversions: '../src/conversions.js',
	errors: '../src/errors.js',
	messages: '../src/messages.js',
	heapRef: '../src/HeapRef.js',
	heapAccess: '../src/HeapAccess.js',
	heapWaits: '../src/HeapWaits.js',
	core: '../src/HeapCore.js',
	strings: '../src/HeapStrings.js',
	cappedView: '../src/cappedView.js',
	globalConstructors: '../src/globalConstructors.js',
	refs: './Refs.generated.js',
	manager: './WasmHeapManager.generated.js',
	codec: (codec: string): string => `../src/codecs/${codec}.js`,
} as const

/**
 * The hot-path bounds check of a plain access: one comparison against the live length
 * of the heap's byte view (0 once the buffer is detached, and in 'always' mode; see
 * {@link liveLength}), and a
 * call to the cold path, which polls, re-checks and throws, on failure.
 * Declares `view`, the DataView to access.
 */
export function plainAccessCheck(byteSize: number, method: string): Writer {
	return (writer) => {
		writer.writeLine(`let view = this.${fastFieldOf('DataView')}`)
		writer.writeLine(
			// `Number.isInteger` first: it is false for an object, a symbol or a bigint without
			// calling anything on it (a comparison would run an object's valueOf, or throw for a
			// symbol), so every non-number reaches the cold path's TypeError untouched.
			`if (!(Number.isInteger(address) && address >= 0 && address <= ${liveLength(`this.${fastFieldOf('Uint8Array')}`)} - ${byteSize})) ` +
				`view = this.accessView(address, ${byteSize}, '${method}')`,
		)
	}
}

/**
 * The live element count of the whole-heap view `view` in a hot-path check: its
 * `length`, 0 once the buffer is detached. Engine fact (Node 20 / V8 11.3): optimised
 * code that has seen typed arrays over a resizable ArrayBuffer reads a detached view's
 * `length` as its old length (`byteLength` reads 0, but costs 5x `length` there). So the
 * hot paths never see such arrays: a manager over a resizable or growable buffer keeps
 * empty fast views and serves every access from the cold path (`HeapAccess.pollHeap`).
 */
export function liveLength(view: string): string {
	return `${view}.length`
}

/**
 * The aligned-index test of the hot paths that index a whole-heap typed array of
 * `byteSize`-byte elements at `address` (the manager's `read<T>`/`write<T>`, the string
 * reads and writes): declares `index` (and, for wider elements, `number`) and returns the
 * condition under which `elements[index]` is the element at `address`, `elements` being the
 * typed array (declared by the caller). Single bytes: `Number.isInteger` and two comparisons.
 * Wider elements: `address >>> log2(byteSize)`, and `index * byteSize === address` proves at
 * once that the address is a non-negative integer below 2^32 and aligned (a fraction, NaN, a
 * negative, a larger or a misaligned address changes under the shift): integer arithmetic,
 * where `address / byteSize` and `Number.isInteger` took float round trips. A non-number
 * address stands as -1, which the test refuses: the type test comes first (a shift would call
 * an object's `valueOf`, or throw for a BigInt), and every comparison sees numbers only (one
 * that has seen a string is compiled as a generic one).
 *
 * The product, not `index << log2(byteSize)`: a 32-bit shift wraps, so a negative address
 * would pass as its 32-bit wrap (-8 as 2^32 - 8), inside any heap over 2 GiB
 * (test/large-heap.test.ts). Measured for the manager's reads (bench/compare-builds.ts
 * against 5a10b28, Node 20, three processes each way): the shift 1.35x on `readInt32`, the
 * product 1.16x; the shift with a sign test, and a signed shift, lost 2-7% in the realistic
 * regime. For single bytes `address >>> 0 === address` measured 1.18x pristine but 0.91x
 * realistic for `readUint8`, and `writeAt`'s `typeof`, `index === (index | 0)` and
 * `index >= 0` 0.87-0.93x on Node 20 and 0.92-0.99x on Node 24.
 */
export function alignedIndexTest(writer: CodeBlockWriter, byteSize: number, index: string): string {
	if (byteSize === 1) {
		writer.writeLine(`const ${index} = address`)
		return `Number.isInteger(${index}) && ${index} >= 0 && ${index} < ${liveLength('elements')}`
	}
	writer.writeLine("const number = typeof address === 'number' ? address : -1")
	writer.writeLine(`const ${index} = number >>> ${Math.log2(byteSize)}`)
	return `${index} * ${byteSize} === number && ${index} < ${liveLength('elements')}`
}

/**
 * The hot-path check of an atomic access: the element index must be an integer (which
 * also proves natural alignment) below the whole-heap view's live length. Declares
 * `view` and `index`; the cold path returns a one-element window (index 0). The view is
 * the row's atomic view unless another of the same width is named (a wait's).
 */
export function atomicAccessCheck(
	element: NormalizedElement,
	method: string,
	view: { readonly field: string; readonly constructor: string } = {
		field: element.atomicViewField,
		constructor: element.atomicViewConstructor,
	},
): Writer {
	// Dividing would coerce a string or null address into a valid index (and throw for a
	// bigint): for wider elements only a number is divided, anything else gives NaN.
	const indexExpression =
		element.byteSize === 1 ? 'address' : `typeof address === 'number' ? address / ${element.byteSize} : Number.NaN`
	return (writer) => {
		writer.writeLine(`let view = this.fast.${view.field}`)
		writer.writeLine(`let index = ${indexExpression}`)
		writer.write(`if (!(Number.isInteger(index) && index >= 0 && index < ${liveLength('view')}))`).block(() => {
			writer.writeLine(`view = this.atomicWindow(${view.constructor}, address, ${element.byteSize}, '${method}')`)
			writer.writeLine('index = 0')
		})
	}
}

/**
 * The first statement of every write: converts a value that is not of the row's value
 * type before any view is chosen, since an object's `valueOf` may grow (and detach) the
 * memory. A number row converts as its TypedArray would (`+value`) but refuses a bigint
 * or a symbol with a `TypeError` naming the method; a bigint row takes only bigints.
 * Pointer53 rows need none: their range check refuses every non-number untouched.
 * `methodExpression`: the name as an expression evaluated when the error is thrown (a
 * template naming `this.refName`'s member), instead of `method` quoted.
 */
export function valueConversion(element: NormalizedElement, method: string, part: Part, variable = 'value', methodExpression = `'${method}'`): Writer {
	if (element.kind === 'pointer53') return () => {}
	const [type, convert] = element.valueType === 'bigint' ? ['bigint', 'bigintValue'] : ['number', 'numberValue']
	part.use(modules.conversions, convert)
	return (writer) => {
		// a parameter other than `value` is named in the error (`expected` must be a number)
		writer.writeLine(`if (typeof ${variable} !== '${type}') ${variable} = ${convert}(${variable}, ${methodExpression}${variable === 'value' ? '' : `, '${variable}'`})`)
	}
}

/**
 * `statement` (a call of a manager's method, whose errors name that method) in a `try`
 * whose `catch` throws its error again naming the ref's `member` (`HeapRef.throwAsMember`:
 * the same class, code and cause), out of the path a call that succeeds takes.
 */
export function asMember(member: string, statement: string): Writer {
	return (writer) => {
		writer.write('try').block(() => writer.writeLine(statement))
		writer.write('catch (error)').block(() => writer.writeLine(`this.throwAsMember(error, '${member}')`))
	}
}

/**
 * A ref member's value, converted and then the ref's liveness checked (`HeapRef.liveNumber`,
 * `liveBigint`): the statement a writing member of a ref (`writeAt`'s cold path, the
 * atomics) runs after its own index check, before it hands the value to the manager. The
 * manager would convert it too, but after the ref's check: an object's `valueOf` that frees
 * the ref would then make the store land in the freed region. Pointer53 rows convert
 * nothing: their check (`livePointer53`) refuses a bad value untouched, naming the member.
 */
export function liveRefValue(element: NormalizedElement, member: string, variable = 'value'): string {
	if (element.kind === 'pointer53') return `this.livePointer53(${variable}, '${member}')`
	const helper = element.valueType === 'bigint' ? 'liveBigint' : 'liveNumber'
	return `${variable} = this.${helper}(${variable}, '${member}'${variable === 'value' ? '' : `, '${variable}'`})`
}

/** Checks an element count argument. */
export function elementCountCheck(variable: string, method: string, part: Part): Writer {
	part.use(modules.errors, 'throwElementCountError')
	return (writer) => {
		writer.writeLine(
			`if (!(Number.isSafeInteger(${variable}) && ${variable} >= 0)) throwElementCountError('${method}', ${variable})`,
		)
	}
}

/**
 * Checks a pointer53 value (`value`, or the named variable) before anything is written. Its
 * error names `method`, or, given `methodVariable`, the method held in that variable at run
 * time (a struct field's `where`).
 */
export function pointer53ValueCheck(method: string, part: Part, variable = 'value', methodVariable?: string): Writer {
	part.use(modules.errors, 'throwPointer53ValueError')
	return (writer) => {
		writer.writeLine(`if (!(Number.isSafeInteger(${variable}) && ${variable} >= 0)) throwPointer53ValueError(${methodVariable ?? `'${method}'`}, ${variable})`)
	}
}

const littleEndian = (element: { readonly byteSize: number }): string => (element.byteSize === 1 ? '' : ', true')

/**
 * The flag saying whether `DataView.prototype` has the accessor `native` (tested once, at
 * load) and the type of a `DataView` that has it, both imported into `part` from
 * src/globalConstructors.ts. A row's reads and writes branch on the flag (see
 * `BitConversion.native`): a constant for the whole run, so the branch always goes one way.
 */
function nativeAccessor(native: string, part: Part): { flag: string; view: string } {
	const flag = `hasDataView${native}`
	const view = `DataViewWith${native}`
	part.use(modules.globalConstructors, flag, `type ${view}`)
	return { flag, view }
}

/**
 * The statements that read one element through the DataView `view` at `address` and
 * return it (shared by the manager's `read<T>` and the refs' inline fast paths). The
 * error of a value it refuses names `method`, or, given `methodVariable`, the method held
 * in that variable at run time (a struct field's `where`).
 */
export function elementRead(element: NormalizedElement, address: string, method: string, part: Part, methodVariable?: string): Writer {
	if (element.kind === 'pointer53') {
		part.use(modules.errors, 'throwPointer53StoredError')
		return (writer) => {
			// Two 32-bit halves avoid creating a bigint on every read.
			writer.writeLine(`const low = view.getUint32(${address}, true)`)
			writer.writeLine(`const high = view.getUint32(${address} + 4, true)`)
			writer.writeLine(`if (high > 0x1fffff) throwPointer53StoredError(${methodVariable ?? `'${method}'`}, ${address}, high, low)`)
			writer.writeLine('return high * 0x100000000 + low')
		}
	}
	if (element.bits !== undefined) {
		const { accessor, fromBits, native } = element.bits
		part.use(modules.conversions, fromBits)
		const bitsRead = `${fromBits}(view.get${accessor}(${address}${littleEndian(element)}))`
		if (native !== undefined) {
			const { flag, view } = nativeAccessor(native, part)
			return (writer) => {
				writer.writeLine(`return ${flag} ? (view as ${view}).get${native}(${address}${littleEndian(element)}) : ${bitsRead}`)
			}
		}
		return (writer) => {
			writer.writeLine(`return ${bitsRead}`)
		}
	}
	return (writer) => {
		writer.writeLine(`return view.get${element.dataViewAccessor}(${address}${littleEndian(element)})`)
	}
}

/**
 * The statements that convert `value` and write it through the DataView `view` at `address`.
 * With `int32Argument`, an integer row of up to 32 bits passes `value | 0` (see {@link takesInt32Argument}).
 * The error of a value it refuses (a pointer53 that is not a safe non-negative integer) names
 * `method`, or, given `methodVariable`, the method held in that variable at run time.
 */
export function elementWrite(element: NormalizedElement, address: string, method: string, part: Part, int32Argument = false, methodVariable?: string): Writer {
	if (element.kind === 'pointer53') {
		const check = pointer53ValueCheck(method, part, 'value', methodVariable)
		return (writer) => {
			check(writer)
			writer.writeLine('const low = value % 0x100000000')
			writer.writeLine(`view.setUint32(${address}, low, true)`)
			writer.writeLine(`view.setUint32(${address} + 4, (value - low) / 0x100000000, true)`)
		}
	}
	const stored = int32Argument && takesInt32Argument(element) ? 'value | 0' : storedValue(element, 'value', part)
	const accessor = element.bits?.accessor ?? element.dataViewAccessor
	const native = element.bits?.native
	if (native !== undefined) {
		const { flag, view } = nativeAccessor(native, part)
		return (writer) => {
			writer.writeLine(`if (${flag}) (view as ${view}).set${native}(${address}, value${littleEndian(element)})`)
			writer.writeLine(`else view.set${accessor}(${address}, ${stored}${littleEndian(element)})`)
		}
	}
	return (writer) => {
		writer.writeLine(`view.set${accessor}(${address}, ${stored}${littleEndian(element)})`)
	}
}

/**
 * Whether `element`'s `DataView` setter may be given `value | 0` for a number `value`: an
 * integer row of up to 32 bits without clamping or bits (`setInt8` ... `setUint32`). Those
 * setters store the value modulo 2^8, 2^16 or 2^32, and `value | 0` is the value modulo 2^32,
 * so the same bits are stored, NaN and the infinities as 0 too. Why a value ref passes it: the
 * argument is then always a small integer, where a setter given a number that is not one (a
 * fraction, 2^31 or more, any value read from a `Float64Array`) makes Node 24's Maglev
 * (V8 13.6), which compiled the setter's argument as a small integer, deoptimise with "not a
 * Smi"; V8 then marks the call site as one not to speculate on, and from then on TurboFan calls
 * the `DataViewPrototypeSetInt32` builtin there with a boxed value, for every caller of the
 * ref's `write` (`--trace-deopt`, `--print-opt-code`; bench/notes.ts). TurboFan on Node 20
 * compiles `setInt32(a, v | 0)` to the same truncation and store as `setInt32(a, v)`.
 */
export function takesInt32Argument(element: NormalizedElement): boolean {
	return element.kind === 'int' && element.bits === undefined && element.byteSize <= 4
}

/**
 * The expression a value is stored as by a plain write: the value itself, clamped
 * (`DataView` has no clamped setter), or its bits.
 */
export function storedValue(element: NormalizedElement, value: string, part: Part): string {
	if (element.kind === 'clampedInt') {
		part.use(modules.conversions, 'clampToUint8')
		return `clampToUint8(${value})`
	}
	if (element.bits !== undefined) {
		part.use(modules.conversions, element.bits.toBits)
		return `${element.bits.toBits}(${value})`
	}
	return value
}

/** A TSDoc sentence naming the element type, e.g. "a signed 32-bit integer (C `int32_t`)". */
export function describeElement(element: NormalizedElement): string {
	return withArticle(element.description)
}


/** What a value of the wrong JS type for the row is, as its conversion refuses it with a `TypeError`. */
function wrongValueType(element: NormalizedElement): string {
	if (element.kind === 'pointer53') return 'not a number'
	return element.valueType === 'bigint' ? 'not a bigint' : 'a bigint or a symbol'
}

/**
 * The `@throws TypeError` line (with its leading newline) of a member taking an address
 * and, when `values` names them, values of the row: nothing on a non-number address is
 * called, and a value of the wrong JS type is refused as `write<T>` refuses it.
 */
export function typeErrorDoc(element: NormalizedElement, values: readonly string[] = []): string {
	const named = values.map((name) => `\`${name}\``).join(' or ')
	return `\n@throws TypeError if \`address\` is not a number${values.length === 0 ? '' : `, or ${named} is ${wrongValueType(element)}`}`
}

/**
 * The `@throws` lines (with their leading newline) of a value or array ref member: a freed
 * or released ref, a non-number `index` (array refs), and a value of the wrong JS type.
 */
export function refThrowsDoc(element: NormalizedElement, { index = false, values = [] as readonly string[] } = {}): string {
	const named = values.map((name) => `\`${name}\``).join(' or ')
	const typeErrors = [index ? '`index` is not a number' : '', values.length === 0 ? '' : `${named} is ${wrongValueType(element)}`].filter(Boolean)
	return (
		'\n@throws Error if the ref was freed or released' +
		(typeErrors.length === 0 ? '' : `\n@throws TypeError if ${typeErrors.join(', or ')}${values.length === 0 ? '' : ' (nothing is written)'}`)
	)
}

/** A class name in backticks with its indefinite article: "a `Float64Array`", "an `Int32Ref`". */
export function codeWithArticle(name: string): string {
	return `${article(name)} \`${name}\``
}
