// Bun entry: imports the installed package by name and runs the portable suite.
import * as api from 'wasm-heap-manager'
import { createReport, runSuite } from './suite.js'

const report = createReport('bun')
console.log(`bun: Bun ${Bun.version} (${process.execPath})`)

await report.check('resolves the installed package (Bun)', () => {
	const resolved = String(import.meta.resolve('wasm-heap-manager'))
	const wanted = new URL('./node_modules/wasm-heap-manager/dist/index.js', import.meta.url)
	if (resolved !== wanted.href && resolved !== wanted.pathname) throw new Error(`resolved ${resolved}, expected ${wanted.href}`)
})
await runSuite(api, report)
const { failed } = report.finish()
process.exitCode = failed > 0 ? 1 : 0
