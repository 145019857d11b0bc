// Builds dist/: for each entry point an ESM file, a CommonJS file, and bundled
// declarations for each (<entry>.d.ts beside the ESM file, <entry>.d.cts beside the
// CommonJS one), so that both `import` and `require` resolve to types of the right module
// kind. Code the entries share goes to chunks (dist/chunks/); each entry's declarations
// are self-contained, so no declaration file imports another.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

/** The entry points: `.` (everything), `./allocator` and `./structs` (see package.json exports). */
export const entries = {
	index: 'src/index.ts',
	allocator: 'src/allocator.ts',
	structs: 'src/structs.ts',
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
		plugins: [dts({ tsconfig: './tsconfig.build.json', compilerOptions: { stripInternal: true } })],
	})),
]
