// Node ESM entry: imports the installed package by name (through its exports map) and
// runs the portable suite, then the threads scenario (threads.js) with worker_threads. Usage: node entry-node.mjs <label>
import * as api from 'wasm-heap-manager'
import { Worker } from 'node:worker_threads'
import { createReport, runSuite } from './suite.js'
import { nodeWorkerHost, runThreads } from './threads.js'

const label = process.argv[2] ?? `node${process.versions.node.split('.')[0]}`
const report = createReport(label)
console.log(`${label}: Node ${process.version} (${process.execPath}), ESM import`)

await report.check('resolves the installed package (ESM)', () => {
	const resolved = import.meta.resolve('wasm-heap-manager')
	const wanted = new URL('./node_modules/wasm-heap-manager/dist/index.js', import.meta.url).href
	if (resolved !== wanted) throw new Error(`resolved ${resolved}, expected ${wanted}`)
})
await runSuite(api, report)
await runThreads(api, report, nodeWorkerHost(Worker, new URL('./threads-worker-node.mjs', import.meta.url)))
const { failed } = report.finish()
process.exitCode = failed > 0 ? 1 : 0
