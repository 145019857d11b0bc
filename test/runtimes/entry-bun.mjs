// Bun entry: imports the installed package by name and runs the portable suite, then the
// threads scenario (threads.js) with Bun's Web Workers.
import * as api from 'wasm-heap-manager'
import { createReport, runSuite } from './suite.js'
import { runThreads, webWorkerHost } from './threads.js'

const report = createReport('bun')
console.log(`bun: Bun ${Bun.version} (${process.execPath})`)

await report.check('resolves the installed package (Bun)', () => {
	const resolved = String(import.meta.resolve('wasm-heap-manager'))
	const wanted = new URL('./node_modules/wasm-heap-manager/dist/index.js', import.meta.url)
	if (resolved !== wanted.href && resolved !== wanted.pathname) throw new Error(`resolved ${resolved}, expected ${wanted.href}`)
})
await runSuite(api, report)
await runThreads(api, report, webWorkerHost(new URL('./threads-worker-web.mjs', import.meta.url).href))
const { failed } = report.finish()
process.exitCode = failed > 0 ? 1 : 0
