/**
 * Classes written by `npx wasm-heap-manager generate` (one ref class and one array class
 * per struct, offsets baked in for one ABI) are accepted wherever a `StructType` is:
 * `allocStruct(ParticleRef)`, `wrapStruct(ParticleRef, address)`,
 * `allocStructArray(ParticleRef, n)`. The first such call makes the class the base of
 * every ref to its type under its ABI (nested fields and array elements too).
 */
import { generatedClassAbiMismatch, generatedClassDuplicate, generatedClassOutdated, notAStructType, raise } from '../messages.js'
import type { AbiName } from './abi.js'
import { StructType } from './declare.js'
import type { StructArrayRef, StructRef, StructRefOf } from './StructRef.js'

/** A class whose instances the manager makes (a generated ref or array class). */
export interface ManagerMadeClass<I> {
	/** Instances are made by the manager, as `StructRef`s are. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor: the manager makes the instances
	new (...args: any[]): I
}

/** Something that names the declaration it was generated from. */
export interface HasStructType<T> {
	/** The declaration the class was generated from. */
	readonly structType: T
}

/** Something that names its generated array class. */
export interface HasArrayClass<A> {
	/** The generated array class of the same struct (`ParticleArrayRef`). */
	readonly arrayClass: ManagerMadeClass<A>
}

/** The static side of a generated ref class (`ParticleRef`): its declaration, its ABI and its array class. */
export interface GeneratedStructRefClass<T extends StructType = StructType, R extends StructRef<T> = StructRef<T>, A extends StructArrayRef<T> = StructArrayRef<T>>
	extends ManagerMadeClass<R>,
		HasStructType<T>,
		HasArrayClass<A> {
	/** The ABI whose offsets the class has baked in. */
	readonly abi: AbiName
	/** The version of the library's internal fields its accessors read (the library's when it was generated). */
	readonly libraryFieldsVersion: number
}

/**
 * The version of the library's internal fields that generated accessors read (a ref's
 * manager views and root, an array's element count and element class): raised whenever
 * those change, so that a module generated against other fields is refused with an error
 * saying to generate it again, instead of failing inside an accessor.
 */
export const libraryFieldsVersion = 1

/** A struct or union type, or a generated ref class of one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any generated class, whatever its declaration
export type StructTypeOrClass = StructType | GeneratedStructRefClass<any, any, any>

/** The declaration of a struct type or generated class. */
export type DeclarationOf<X> = X extends StructType ? X : X extends HasStructType<infer T> ? T : never

/** What `allocStruct` and `wrapStruct` return for a struct type (`StructRefOf`) or a generated class (its instances). */
export type RefOf<X> = X extends StructType ? StructRefOf<X> : X extends ManagerMadeClass<infer R> ? R : never

/** What `allocStructArray` and `wrapStructArray` return for a struct type (`StructArrayRef`) or a generated class (its array class's instances). */
export type ArrayRefOf<X> = X extends StructType ? StructArrayRef<X> : X extends HasArrayClass<infer A> ? A : never

const generated = new WeakMap<StructType, Map<AbiName, GeneratedStructRefClass>>()

/** @internal How many generated classes were registered: a ref class looked up before the last registration may be outdated (a field's pointer targets keep theirs until then). */
export const registrations = { count: 0 }

/** @internal The generated class registered for `type` under `abi`, if any. */
export function generatedClassOf(type: StructType, abi: AbiName): GeneratedStructRefClass | undefined {
	return generated.get(type)?.get(abi)
}

/**
 * @internal The declaration of `type` (a `StructType`, or a generated class, which is registered);
 * returns whether it was newly registered, so the caller can drop cached classes.
 */
export function resolveStructType(type: unknown, abi: AbiName, method: string): { type: StructType; Class: GeneratedStructRefClass | undefined; registered: boolean } {
	if (type instanceof StructType) return { type, Class: undefined, registered: false }
	const Class = type as GeneratedStructRefClass
	if (typeof type === 'function' && Class.structType instanceof StructType && typeof Class.arrayClass === 'function') {
		if (Class.libraryFieldsVersion !== libraryFieldsVersion) {
			throw raise(generatedClassOutdated, method, Class.name, Class.libraryFieldsVersion, libraryFieldsVersion)
		}
		if (Class.abi !== abi) {
			throw raise(generatedClassAbiMismatch, method, Class.name, Class.abi, abi)
		}
		let perAbi = generated.get(Class.structType)
		if (perAbi === undefined) generated.set(Class.structType, (perAbi = new Map()))
		const before = perAbi.get(abi)
		if (before !== undefined && before !== Class) {
			throw raise(generatedClassDuplicate, method, Class.name, Class.structType, abi)
		}
		perAbi.set(abi, Class)
		if (before === undefined) registrations.count++
		return { type: Class.structType, Class, registered: before === undefined }
	}
	throw raise(notAStructType, method, type)
}
