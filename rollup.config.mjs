// Builds dist/: for each entry point an ESM file, a CommonJS file, and bundled
// declarations for each (<entry>.d.ts beside the ESM file, <entry>.d.cts beside the
// CommonJS one), so that both `import` and `require` resolve to types of the right module
// kind. Code the entries share goes to chunks (dist/chunks/); each entry's declarations
// are self-contained, so no declaration file imports another.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'
import { chmodSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

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
// dist/cli.js is the package's bin: executable, so that a tarball unpacked by hand (not
// through npm, which sets the bit on install) runs as ./dist/cli.js, and npm pack records it so.
const executableBin = {
	name: 'executable-bin',
	writeBundle(options, bundle) {
		if ('cli.js' in bundle) chmodSync(join(options.dir, 'cli.js'), 0o755)
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

/** The names a source module exports with `export type { ... }` (the name it is exported as). */
function typeOnlyExportsOf(input) {
	const names = new Set()
	for (const [, list] of readFileSync(input, 'utf8').matchAll(/^export type \{([^}]*)\}/gm)) {
		for (const item of list.split(',')) {
			const name = item.trim().split(/\s+as\s+/).pop()
			if (name) names.add(name)
		}
	}
	return names
}

/**
 * rollup-plugin-dts lists a class the entry exports with `export type` (HeapScope) among
 * the values, `export { ... }`, though the JavaScript does not export it: `instanceof
 * HeapScope` would then compile and fail at run time. This moves such names to the
 * `export type { ... }` list, so that the declarations export the values the JavaScript does.
 */
const keepTypeOnlyExports = (input) => ({
	name: 'keep-type-only-exports',
	renderChunk(code) {
		const typeOnly = typeOnlyExportsOf(input)
		const values = /^export \{ ([^}]*) \};$/m.exec(code)
		if (values === null) return null
		const names = values[1].split(', ')
		const moved = names.filter((name) => typeOnly.has(name.split(' as ').pop()))
		if (moved.length === 0) return null
		const kept = names.filter((name) => !moved.includes(name))
		let result = code.replace(values[0], kept.length > 0 ? `export { ${kept.join(', ')} };` : '')
		const types = /^export type \{ ([^}]*) \};$/m.exec(result)
		result = types
			? result.replace(types[0], `export type { ${[...types[1].split(', '), ...moved].sort().join(', ')} };`)
			: `${result}\nexport type { ${moved.join(', ')} };\n`
		return result
	},
})

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
		plugins: [dts({ tsconfig: './tsconfig.build.json', compilerOptions: { stripInternal: true } }), declareSymbolDispose, keepTypeOnlyExports(input)],
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
			executableBin,
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
