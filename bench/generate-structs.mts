/**
 * Regenerates bench/generated-structs/ from bench/benchStructs.ts (as `npx wasm-heap-manager
 * generate` would), importing the library from bench/library.ts: the build the benchmarks
 * measure (dist/ by default, src/ with BENCH_LIBRARY=src).
 *   npx tsx bench/generate-structs.mts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateFiles } from '../src/generator/generate.js'
import * as declarations from './benchStructs.js'

const files = await generateFiles(declarations, {
	abi: 'wasm32',
	declarationsSpecifier: '../benchStructs.js',
	inputName: 'benchStructs.ts',
	moduleSpecifier: '../library.js',
})
const folder = join(import.meta.dirname, 'generated-structs')
writeFileSync(join(folder, 'benchStructs.ts'), files['structs.ts'])
writeFileSync(join(folder, 'benchStructs.h'), files['structs.h'])
