/**
 * The `wasm-heap-manager/structs` entry point: C struct, union and enum declarations
 * and their layout for the wasm32, wasm64 and Emscripten ABIs, without the manager
 * (the main entry exports all of this too).
 *
 * @packageDocumentation
 * @module wasm-heap-manager/structs
 */
export {
	defineEnum,
	defineStruct,
	defineUnion,
	EnumType,
	StructType,
	type AlignedTypeSpec,
	type ArrayTypeSpec,
	type BitfieldStorageSpec,
	type BitfieldTypeSpec,
	type EnumMember,
	type EnumValues,
	type FieldPath,
	type FieldsPath,
	type FieldSpecs,
	type FieldTypeSpec,
	type InlineStringTypeSpec,
	type PointerInit,
	type PointerTargetSpec,
	type PathWithin,
	type PointerTypeSpec,
	type RecordOptions,
	type ScalarTypeName,
	type BitfieldValue,
	type FieldInit,
	type FieldsInit,
	type FieldsValue,
	type StructInit,
	type StructTypeOrDeclared,
	type StructValue,
	type UnionType,
	type ValueTypeSpec,
	type ZeroWidthBitfield,
} from './structs/declare.js'
export type { AbiName, IntegerElementTypeName } from './structs/abi.js'
export type { AbiSizedTypeName, FieldDeclaration, FieldKind, StringEncodingName } from './structs/fieldKinds.js'
export type { FieldLayout, RecordLayout } from './structs/layout.js'
