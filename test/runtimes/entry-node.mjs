// Node ESM entry: imports the installed package by name (through its exports map) and
// runs the portable suite. Usage: node entry-node.mjs <label>
import * as api from 'wasm-heap-manager'
import { createReport, runSuite } from './suite.js'

const label = process.argv[2] ?? `node${process.versions.node.split('.')[0]}`
const report = createReport(label)
console.log(`${label}: Node ${process.version} (${process.execPath}), ESM import`)

await report.check('resolves the installed package (ESM)', () => {
	const resolved = import.meta.resolve('wasm-heap-manager')
	const wanted = new URL('./node_modules/wasm-heap-manager/dist/index.js', import.meta.url).href
	if (resolved !== wanted) throw new Error(`resolved ${resolved}, expected ${wanted}`)
})
await runSuite(api, report)
const { failed } = report.finish()
process.exitCode = failed > 0 ? 1 : 0
