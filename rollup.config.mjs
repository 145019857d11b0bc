// Builds dist/: for each entry point an ESM file, a CommonJS file, and bundled
// declarations for each (<entry>.d.ts beside the ESM file, <entry>.d.cts beside the
// CommonJS one), so that both `import` and `require` resolve to types of the right module
// kind. Code the entries share goes to chunks (dist/chunks/); each entry's declarations
// are self-contained, so no declaration file imports another.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'
import { resolve } from 'node:path'

// The generator entry and bin import the core as the package itself, so that the
// StructType a user's declarations module made is the one the generator checks against.
const core = resolve('src/index.ts')
const coreAsPackage = {
	name: 'core-as-package',
	resolveId(source, importer) {
		if (importer && resolve(importer, '..', source).replace(/\.js$/, '.ts') === core) return { id: 'wasm-heap-manager', external: true }
		return null
	},
}
const generatorExternal = (id) => id === 'ts-morph' || id.startsWith('node:') || id.startsWith('tsx')

/** The entry points: `.` (everything), `./allocator` and `./structs` (see package.json exports). */
export const entries = {
	index: 'src/index.ts',
	allocator: 'src/allocator.ts',
	structs: 'src/structs.ts',
}

// The bundled declarations declare `Symbol.dispose` themselves, as lib.esnext.disposable
// (and @types/node) declare it, so that they compile in projects whose `lib` lacks it
// (`["ES2022", "DOM"]`, `skipLibCheck: false`); where it is present the identical
// declarations merge. Added here rather than in src/, which JSR publishes as it is and
// where global augmentations are refused (src/ compiles with ESNext.Disposable).
const disposeDeclaration = `declare global {
    /** \`Symbol.dispose\`, declared for projects whose \`lib\` lacks \`esnext.disposable\`. */
    interface SymbolConstructor {
        /** The method \`using\` calls at the end of its block (ECMAScript explicit resource management). */
        readonly dispose: unique symbol;
    }
}`

/** Prepends `disposeDeclaration` to the declaration files that use `Symbol.dispose`. */
const declareSymbolDispose = {
	name: 'declare-symbol-dispose',
	renderChunk: (code) => (code.includes('[Symbol.dispose]') ? `${disposeDeclaration}\n${code}` : null),
}

export default [
	{
		input: entries,
		output: [
			{ dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' },
			{
				dir: 'dist',
				format: 'cjs',
				sourcemap: true,
				exports: 'named',
				entryFileNames: '[name].cjs',
				chunkFileNames: 'chunks/[name].cjs',
			},
		],
		plugins: [typescript({ tsconfig: './tsconfig.build.json', sourceMap: true, inlineSources: true, noEmitOnError: true })],
	},
	...Object.entries(entries).map(([name, input]) => ({
		input,
		output: [
			{ file: `dist/${name}.d.ts`, format: 'es' },
			{ file: `dist/${name}.d.cts`, format: 'es' },
		],
		plugins: [dts({ tsconfig: './tsconfig.build.json', compilerOptions: { stripInternal: true } }), declareSymbolDispose],
	})),
	{
		input: { codegen: 'src/generator/index.ts', cli: 'src/generator/bin.ts' },
		external: generatorExternal,
		output: {
			dir: 'dist',
			format: 'es',
			sourcemap: true,
			entryFileNames: '[name].js',
			chunkFileNames: 'generator.js',
			banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
		},
		plugins: [
			coreAsPackage,
			typescript({ tsconfig: './tsconfig.generator.json', sourceMap: true, inlineSources: true, noEmitOnError: true }),
		],
	},
	{
		input: 'src/generator/index.ts',
		external: generatorExternal,
		output: { file: 'dist/codegen.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
		plugins: [coreAsPackage, typescript({ tsconfig: './tsconfig.generator.json', sourceMap: true, inlineSources: true, noEmitOnError: true })],
	},
	{
		input: 'src/generator/index.ts',
		external: generatorExternal,
		output: [
			{ file: 'dist/codegen.d.ts', format: 'es' },
			{ file: 'dist/codegen.d.cts', format: 'es' },
		],
		plugins: [coreAsPackage, dts({ tsconfig: './tsconfig.generator.json', compilerOptions: { stripInternal: true } })],
	},
]
