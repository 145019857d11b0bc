// Deno entry: imports the installed package by name, resolved from package.json and the
// existing node_modules (run with --node-modules-dir=manual --cached-only: no download),
// and runs the portable suite.
import * as api from 'wasm-heap-manager'
import { createReport, runSuite } from './suite.js'

const report = createReport('deno')
console.log(`deno: Deno ${Deno.version.deno}, V8 ${Deno.version.v8}`)

await report.check('resolves the installed package (Deno)', () => {
	const resolved = import.meta.resolve('wasm-heap-manager')
	const wanted = new URL('./node_modules/wasm-heap-manager/dist/index.js', import.meta.url).href
	if (resolved !== wanted) throw new Error(`resolved ${resolved}, expected ${wanted}`)
})
await runSuite(api, report)
const { failed } = report.finish()
Deno.exit(failed > 0 ? 1 : 0)
