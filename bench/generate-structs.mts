/**
 * Regenerates bench/generated-structs/ from bench/benchStructs.ts (as `npx wasm-heap-manager
 * generate` would, importing the library from src/ so the benchmark needs no build):
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
	moduleSpecifier: '../../src/index.js',
})
const folder = join(import.meta.dirname, 'generated-structs')
writeFileSync(join(folder, 'benchStructs.ts'), files['structs.ts'])
writeFileSync(join(folder, 'benchStructs.h'), files['structs.h'])
