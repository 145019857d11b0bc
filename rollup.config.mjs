// Builds dist/: an ESM bundle, a CommonJS bundle, and bundled declarations for each
// (index.d.ts beside the ESM file, index.d.cts beside the CommonJS one), so that both
// `import` and `require` resolve to types of the right module kind.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

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
]
