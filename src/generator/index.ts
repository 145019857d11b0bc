/**
 * `wasm-heap-manager/codegen`: the struct code generator behind the `wasm-heap-manager`
 * command, for build scripts. It needs `ts-morph` (an optional peer dependency) for
 * `generateFiles`; the core package does not.
 *
 * @packageDocumentation
 */
export { emitCHeader } from './cHeader.js'
export { main, parseArguments, run, UsageError } from './cli.js'
export { declarationFiles } from './declarationFiles.js'
export { declarationsOf, generateFiles, GenerateError, type GenerateOptions } from './generate.js'
export {
	clangDumps,
	clangTargets,
	findClang,
	ImportCError,
	importC,
	importFromDumps,
	parseDependencies,
	parseLayoutDump,
	printModel,
	modelFromAst,
	fitToLayouts,
	type ClangNode,
	type DumpedLayout,
	type ModelOptions,
	type PrintOptions,
	type WarnOption,
} from './importC.js'
export { instantiateModel, type AliasModel, type EnumModel, type FieldExpr, type HeaderModel, type RecordModel, type TypeExpr } from './model.js'
