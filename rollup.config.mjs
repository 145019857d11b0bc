// Builds dist/: an ESM bundle, a CommonJS bundle, and bundled declarations for each
// (index.d.ts beside the ESM file, index.d.cts beside the CommonJS one), so that both
// `import` and `require` resolve to types of the right module kind.
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

export default [
	{
		input: 'src/index.ts',
		output: [
			{ file: 'dist/index.js', format: 'es', sourcemap: true },
			{ file: 'dist/index.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
		],
		plugins: [typescript({ tsconfig: './tsconfig.build.json', sourceMap: true, inlineSources: true, noEmitOnError: true })],
	},
	{
		input: 'src/index.ts',
		output: [
			{ file: 'dist/index.d.ts', format: 'es' },
			{ file: 'dist/index.d.cts', format: 'es' },
		],
		plugins: [dts({ tsconfig: './tsconfig.build.json', compilerOptions: { stripInternal: true } })],
	},
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
