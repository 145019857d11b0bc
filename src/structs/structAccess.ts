/**
 * The bodies of the manager's struct methods (`allocStruct`, `wrapStruct`,
 * `readStruct`, `writeStruct`, `allocStructArray`, `wrapStructArray`, `sizeOf`,
 * `alignOf`, `offsetOf`); `HeapAccess` delegates to them in one line each.
 */
import type { WasmHeapManager } from '../../generated/WasmHeapManager.generated.js'
import { throwElementCountError } from '../errors.js'
import { raise, strideInvalid, wrapOptionNotANumber } from '../messages.js'
import type { WrapOptions } from '../HeapCore.js'
import type { AbiName } from './abi.js'
import { structCodec } from './codecs.js'
import { normalizeValueType, StructType, type StructInit, type StructValue } from './declare.js'
import { abiFacts } from './abi.js'
import { locateField, resolveLayout, valueLayout } from './layout.js'
import { StructArrayRef, structRefClass, wrapMemo, wrapStructRemembering, type StructRefOf, type WrapMemo } from './StructRef.js'
import { registrations, resolveStructType, type ArrayRefOf, type DeclarationOf, type RefOf, type StructTypeOrClass } from './generatedClasses.js'

/**
 * Options of `wrapStructArray`: those of every `wrap*` method, plus a custom stride.
 * @group Options
 */
export interface StructArrayWrapOptions extends WrapOptions {
	/**
	 * Bytes from one element's start to the next's, at least the struct's size (for an
	 * array of a larger C struct whose first member is this one, or interleaved data).
	 * @defaultValue the struct's size
	 */
	readonly stride?: number | undefined
}

/** `allocStruct(type, init?)`. */
export function allocStruct<X extends StructTypeOrClass>(manager: WasmHeapManager, given: X, init: StructInit<DeclarationOf<X>> | undefined): RefOf<X> {
	const method = 'allocStruct'
	const abi = manager.abi
	// What the last call of the same type and ABI looked up (see StructMemo), read into
	// locals: `init`'s getters may call allocStruct with another type.
	const memo = allocMemo
	if (!(given === memo.given && abi === memo.abi && registrations.count === memo.registrations)) rememberStruct(memo, given, abi, manager, method, true)
	const { type, codec, size, align, where } = memo
	let Class = memo.Class!
	const registered = memo.registrations
	const staged = init === undefined ? undefined : codec!.check(init, where, manager)
	// (a generated class registered by `init`'s getters is the class of this ref too, as before)
	if (registrations.count !== registered) Class = structRefClass(type!, abi, manager)
	const core = manager.core
	const address = core.allocateRegion(size, align, method)
	if (staged !== undefined) codec!.write(manager, address, staged)
	return core.track(new Class(manager, address, size, core.tracking), align) as RefOf<X>
}

/**
 * What a struct method looked up for the type (or generated class) and ABI of its last call:
 * the type, its codec, ref class, size and alignment, and the name its errors give
 * (`allocStruct(Body)`). A call of the same type and ABI, with no generated class registered
 * since, takes them from here: those lookups by type and ABI were about a third of an
 * `allocStruct` + `free` of a 40-byte struct, and a tenth of a `writeStruct`.
 */
interface StructMemo extends WrapMemo {
	type: StructType | undefined
	codec: ReturnType<typeof structCodec> | undefined
	where: string
}

function structMemo(): StructMemo {
	return { ...wrapMemo(), type: undefined, codec: undefined, where: '' }
}

const allocMemo = structMemo()
const writeMemo = structMemo()

/** Checks `given` (which may register a generated class) and fills `memo` with what `method` needs of it (the ref class only if `withClass`). */
function rememberStruct(memo: StructMemo, given: StructTypeOrClass, abi: AbiName, manager: WasmHeapManager, method: string, withClass: boolean): void {
	// every lookup first, then the memo: one that throws leaves the memo as it was
	const { type } = resolveStructType(given, abi, method)
	const layout = resolveLayout(type, abi)
	const codec = structCodec(type, abi, manager)
	const Class = withClass ? structRefClass(type, abi, manager) : undefined
	memo.type = type
	memo.codec = codec
	memo.Class = Class
	memo.size = layout.size
	memo.align = layout.align
	memo.where = `${method}(${type.name})`
	memo.given = given
	memo.abi = abi
	memo.registrations = registrations.count
}

/** `wrapStruct(type, address, options?)`: any alignment, as `wrap<T>` takes. */
export function wrapStruct<X extends StructTypeOrClass>(manager: WasmHeapManager, given: X, address: number, options: WrapOptions | undefined): RefOf<X> {
	// A call for the type and ABI of the last one reuses what it found (a generated class's
	// pointer getter, `n = n.next`, wraps one type over and over)
	return wrapStructRemembering(lastWrap, manager, given as StructType, address, options) as RefOf<X>
}

/** What the last `wrapStruct` that went the full way found. */
const lastWrap = wrapMemo()

/** `readStruct(type, address)`: of a struct type or a generated class. */
export function readStruct<X extends StructTypeOrClass>(manager: WasmHeapManager, type: X, address: number): StructValue<DeclarationOf<X>> {
	// The type is checked where its codec is looked up: `last` only ever holds a type that
	// passed the check (and no manager's ABI is undefined, so the initial `last` matches none).
	const codec = last.type === type && last.abi === manager.abi ? last.codec! : lastCodec(type, manager)
	// One comparison when the struct lies in the live whole-heap view, then every field
	// straight from its DataView; else the full check, which polls, and the checked reads.
	const fast = manager.fast
	if (!(Number.isInteger(address) && address >= 0 && address + codec.size <= fast.uint8Array.length)) {
		manager.checkRegion(address, codec.size, 'readStruct')
		return codec.read(manager, address) as StructValue<DeclarationOf<X>>
	}
	return codec.readIn!(fast.dataView, address, manager) as StructValue<DeclarationOf<X>>
}

/**
 * The struct codec of the last type and ABI `readStruct` was given, remembered: a loop of
 * `readStruct` calls skips the type check and the lookups, with one comparison of the type
 * and one of the ABI. One object whose fields change, not a module `let` given a new object
 * on each miss: optimised code tested such a `let` for its temporal dead zone at each of its
 * four reads, and the object it held for its shape, before the type check's own tests; in a
 * loop of `readStruct` calls of a 6-field struct that was a tenth to a seventh of the time
 * (bench/notes.ts, the `readStruct` entries).
 */
const last: { type: StructTypeOrClass | undefined; abi: AbiName | undefined; codec: ReturnType<typeof structCodec> | undefined } = {
	type: undefined,
	abi: undefined,
	codec: undefined,
}

/**
 * Checks `given` (a struct type, or a generated class of the manager's ABI) and looks its codec up, and remembers it in `last`:
 * readStruct's own, whose errors for a stored value it cannot give (a wasm64 pointer past 2^53) name the call and the
 * field, `readStruct(Node).next`, as writeStruct's name theirs (the same readers as the shared codec's, another name in each).
 */
function lastCodec(given: StructTypeOrClass, manager: WasmHeapManager): ReturnType<typeof structCodec> {
	const abi = manager.abi
	const { type } = resolveStructType(given, abi, 'readStruct')
	const codec = structCodec(type, abi, manager, `readStruct(${type.name})`)
	last.type = given
	last.abi = abi
	last.codec = codec
	return codec
}

/** `writeStruct(type, address, value)`: every field checked before any is written. */
export function writeStruct<X extends StructTypeOrClass>(manager: WasmHeapManager, given: X, address: number, value: StructInit<DeclarationOf<X>>): void {
	const abi = manager.abi
	// (see StructMemo; read into locals before `value`'s getters run)
	const memo = writeMemo
	if (!(given === memo.given && abi === memo.abi && registrations.count === memo.registrations)) rememberStruct(memo, given, abi, manager, 'writeStruct', false)
	const { codec, size, where } = memo
	manager.checkRegion(address, size, 'writeStruct')
	codec!.write(manager, address, codec!.check(value, where, manager))
}

/** `allocStructArray(type, countOrValues)`: values are checked before anything is allocated. */
export function allocStructArray<X extends StructTypeOrClass>(
	manager: WasmHeapManager,
	given: X,
	countOrValues: number | ArrayLike<StructInit<DeclarationOf<X>>>,
): ArrayRefOf<X> {
	const method = 'allocStructArray'
	const abi = manager.abi
	const { type, Class: Generated } = resolveStructType(given, abi, method)
	const ArrayClass = (Generated?.arrayClass ?? StructArrayRef) as unknown as typeof StructArrayRef
	const core = manager.core
	const elementCount = core.elementCountOf(countOrValues, method)
	const layout = resolveLayout(type, abi)
	const codec = structCodec(type, abi, manager)
	let staged: unknown[] | undefined
	if (typeof countOrValues !== 'number') {
		staged = []
		for (let index = 0; index < elementCount; index++) staged.push(codec.check(countOrValues[index], `${method}(${type.name})[${index}]`, manager))
	}
	const byteSize = elementCount * layout.size
	const address = core.allocateRegion(byteSize, layout.align, method)
	if (staged !== undefined) for (let index = 0; index < elementCount; index++) codec.write(manager, address + index * layout.size, staged[index])
	return core.track(new ArrayClass(manager, address, byteSize, core.tracking, elementCount, type, layout.size, abi), layout.align) as ArrayRefOf<X>
}

/** The keys of {@link StructArrayWrapOptions}. */
const structArrayWrapOptionNames: readonly string[] = ['deallocator', 'stride']

/** `wrapStructArray(type, address, elementCount, options?)`: aligned to the struct, as `wrap<T>Array` requires. */
export function wrapStructArray<X extends StructTypeOrClass>(
	manager: WasmHeapManager,
	given: X,
	address: number,
	elementCount: number,
	options: StructArrayWrapOptions | undefined,
): ArrayRefOf<X> {
	const method = 'wrapStructArray'
	const abi = manager.abi
	const { type, Class: Generated } = resolveStructType(given, abi, method)
	const ArrayClass = (Generated?.arrayClass ?? StructArrayRef) as unknown as typeof StructArrayRef
	const layout = resolveLayout(type, abi)
	if (!(Number.isSafeInteger(elementCount) && elementCount >= 0)) throwElementCountError(method, elementCount)
	let stride = layout.size
	if (options !== undefined && options !== null && typeof options === 'object' && options.stride !== undefined) {
		stride = options.stride
		if (typeof stride !== 'number') throw raise(wrapOptionNotANumber, method, 'stride', stride)
		if (!(Number.isSafeInteger(stride) && stride >= layout.size)) {
			throw raise(strideInvalid, method, stride, layout.size, type)
		}
	}
	const byteSize = elementCount === 0 ? 0 : (elementCount - 1) * stride + layout.size
	manager.wrapRegion(address, byteSize, layout.align, method)
	const ref = new ArrayClass(manager, address, byteSize, false, elementCount, type, stride, abi)
	// The region is C's array of the larger records (`count * sizeof`), which is what was
	// allocated and what `free()` hands the deallocator (Rust's `dealloc` needs that size);
	// the bounds above cover only the bytes the elements span.
	ref.allocationByteSize = elementCount * stride
	return manager.core.wrapped(ref, layout.align, options, method, structArrayWrapOptionNames) as ArrayRefOf<X>
}

/** `sizeOf(type)` and `alignOf(type)`: of a struct or union, or of any field type. */
export function typeLayout(type: unknown, abi: AbiName, method: string): { size: number; align: number } {
	if (type instanceof StructType || (typeof type === 'function' && (type as { structType?: unknown }).structType instanceof StructType)) {
		const { size, align } = resolveLayout(resolveStructType(type, abi, method).type, abi)
		return { size, align }
	}
	return valueLayout(normalizeValueType(type, method), abiFacts(abi, method))
}

/** `offsetOf(type, fieldPath)`. */
export function offsetOf(given: StructTypeOrClass, path: string, abi: AbiName): number {
	const { type } = resolveStructType(given, abi, 'offsetOf')
	return locateField(type, path, abi, 'offsetOf').offset
}
