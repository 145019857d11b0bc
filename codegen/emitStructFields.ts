/**
 * The struct-field facet of an element row: a factory that makes the accessor of one
 * numeric struct field of that row, `(offset, name, where) => { get, set }`. The struct
 * refs (src/structs/StructRef.ts) call it once per field and type, and install what it
 * returns on the type's shared prototype. Each row's accessor is its own function, so
 * that the `DataView` call in it is the row's own (`getInt32`, `setFloat64`...) and V8
 * inlines it: a factory shared by every row would make the call site megamorphic.
 *
 * The hot path is the numeric refs': one comparison of the root ref's `liveEnd` (Infinity
 * once freed) with the live whole-heap view's length, then the DataView; the cold path, a
 * function of the factory's own (`getSlowly`, `setSlowly`, so that the accessors stay small
 * enough to inline many in one loop), throws if the root was freed, else reads or writes
 * through the manager's checked view (`checkRegion`: it polls for a replaced heap), its
 * errors naming the field. An alias row
 * shares its row's factory.
 *
 * The factory also makes `read(view, address)`: the field of the struct at `address`
 * read straight from `view`, for `readStruct`, which checks the whole struct against
 * the live view once and then calls one such reader per numeric field; a value it
 * refuses (a Pointer53 past 2^53 - 1) is an error naming `where`.
 */
import { Part, provenance } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { elementRead, elementWrite, modules, pointer53ValueCheck } from './snippets.js'
import type { CodeBlockWriter } from 'ts-morph'

const emitter = 'emitStructFields'

/** The name of a row's factory function. */
export function structFieldFactoryName(element: NormalizedElement): string {
	return `${element.name}Field`
}

/** The factory function of one full (non-alias) row, as statements, and the imports they use. */
export function emitStructFieldFactory(element: NormalizedElement, part: Part, first = false): (writer: CodeBlockWriter) => void {
	const { methods, valueType } = element
	const address = 'this.address + offset'
	// A value the row refuses (a Pointer53 past 2^53 - 1, or not a safe non-negative integer)
	// is an error naming the field (`where`), as the other rows' conversions name it, not the
	// row's reader or writer, which the caller never called. `where` is read only to throw.
	const read = elementRead(element, address, methods.read, part, 'where')
	// readStruct's reader names the field as readStruct was called (`where`), not the row's reader
	const readChecked = elementRead(element, 'address + offset', methods.read, part, 'where')
	// `value | 0` for the integer rows of up to 32 bits, as the value refs pass it (see takesInt32Argument)
	const write = elementWrite(element, address, methods.write, part, true, 'where')
	// A value of another type than the row's takes the cold path too, which converts it (or
	// refuses it) before it asks whether the ref is live, as the value refs do.
	let conversion: string | ((writer: CodeBlockWriter) => void) = ''
	let notOfType = ''
	// The cold read of a Pointer53: the manager's checked view (its bounds errors are the row's
	// reader's, as every row's cold path gives), then the halves, whose value error names `where`.
	// The cold paths read and write through the manager's checked view (polling, growth), as
	// its `read<T>`/`write<T>` do after their fast path, with errors naming the field (`where`:
	// `Point.x`), where those methods named themselves (`readFloat64: ...` once the memory grew
	// under pollingMode 'never').
	const polledView = `const view = ref.manager.checkRegion(ref.address + offset, ${element.byteSize}, where).dataView`
	const slowRead = elementRead(element, 'ref.address + offset', methods.read, part, 'where')
	const slowWrite = elementWrite(element, 'ref.address + offset', methods.write, part, true, 'where')
	if (element.kind === 'pointer53') {
		conversion = pointer53ValueCheck(methods.write, part, 'value', 'where')
	} else {
		const convert = valueType === 'bigint' ? 'bigintValue' : 'numberValue'
		part.use(modules.conversions, convert)
		conversion =
			valueType === 'bigint'
				? `if (typeof value !== 'bigint') bigintValue(value, where)`
				: `if (typeof value !== 'number') value = numberValue(value, where)`
		notOfType = ` || typeof value !== '${valueType}'`
	}
	return (writer) => {
		if (first) writer.newLine()
		else writer.blankLineIfLastNot()
		writer.write(provenance(element.name, emitter))
		writer.writeLine(`/** @internal The accessor of a struct field stored as ${element.name}, at \`offset\` in its struct. */`)
		writer
			.write(`function ${structFieldFactoryName(element)}(offset: number, name: string, where: string): StructFieldAccessor<${valueType}>`)
			.block(() => {
				// The cold paths are functions of their own, one call from the accessor: V8 inlines at
				// most 920 bytes of bytecode into a loop's code (Node 20), so each byte an accessor
				// saves leaves room for another field's accessor in the same loop.
				writer.write(`const getSlowly = (ref: StructFieldHost): ${valueType} =>`).block(() => {
					writer.writeLine('ref.checkLive(name)')
					writer.writeLine(polledView)
					slowRead(writer)
				})
				writer.write(`const setSlowly = (ref: StructFieldHost, value: ${valueType}): void =>`).block(() => {
					if (typeof conversion === 'function') conversion(writer)
					else if (conversion !== '') writer.writeLine(conversion)
					writer.writeLine('ref.checkLive(name)')
					writer.writeLine(polledView)
					slowWrite(writer)
				})
				writer.write('return').block(() => {
					writer.write(`get(this: StructFieldHost): ${valueType} `).inlineBlock(() => {
						writer.writeLine('const fast = this.manager.fast')
						writer.writeLine('if (!(this.root.liveEnd <= fast.uint8Array.length)) return getSlowly(this)')
						writer.writeLine('const view = fast.dataView')
						read(writer)
					})
					writer.write(',').newLine()
					writer.write(`set(this: StructFieldHost, value: ${valueType}): void `).inlineBlock(() => {
						writer.writeLine('const fast = this.manager.fast')
						writer.writeLine(`if (!(this.root.liveEnd <= fast.uint8Array.length)${notOfType}) return setSlowly(this, value)`)
						writer.writeLine('const view = fast.dataView')
						write(writer)
					})
					writer.write(',').newLine()
					writer.write(`read(view: DataView, address: number): ${valueType} `).inlineBlock(() => {
						readChecked(writer)
					})
					writer.write(',').newLine()
				})
			})
	}
}

/** The whole file's statements: one factory per full row, and the table of factories by row name (aliases share). */
export function emitStructFields(elements: readonly NormalizedElement[]): { part: Part; statements: ((writer: CodeBlockWriter) => void)[] } {
	const part = new Part().use('../src/structs/StructRef.js', 'StructFieldAccessor', 'StructFieldHost')
	const statements = elements.filter((element) => element.aliasOf === undefined).map((element, index) => emitStructFieldFactory(element, part, index === 0))
	const byName = new Map(elements.map((element) => [element.name, element]))
	statements.push((writer) => {
		writer.blankLineIfLastNot()
		writer.writeLine('/** @internal The struct-field accessor factory of each element row, by row name (an alias row shares its row\'s). */')
		writer.write('export const structFieldAccessors: { readonly [row: string]: (offset: number, name: string, where: string) => StructFieldAccessor<number | bigint> } =').block(() => {
			for (const element of elements) {
				const target = element.aliasOf === undefined ? element : byName.get(element.aliasOf)!
				writer.writeLine(`${element.name}: ${structFieldFactoryName(target)},`)
			}
		})
	})
	return { part, statements }
}
