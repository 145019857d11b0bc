/** The compiler options every test that type-checks a consumer's code uses: strict, ES2022, bundler resolution. */
import ts from 'typescript'

/** The library lib files a consumer targeting ES2022 with `using` has. */
export const consumerLibs = ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts']

/** Strict checking of a consumer's TypeScript, with no ambient `@types` unless `extra` adds them. */
export const strictCompilerOptions: ts.CompilerOptions = {
	strict: true,
	noEmit: true,
	target: ts.ScriptTarget.ES2022,
	module: ts.ModuleKind.ESNext,
	moduleResolution: ts.ModuleResolutionKind.Bundler,
	lib: consumerLibs,
	types: [],
	useDefineForClassFields: false,
	noUncheckedIndexedAccess: true,
}
