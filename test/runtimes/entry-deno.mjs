// Deno entry: imports the installed package by name, resolved from package.json and the
// existing node_modules (run with --node-modules-dir=manual --cached-only: no download),
// and runs the portable suite, then the threads scenario (threads.js) with Deno's Web
// Workers (which need --allow-read of the project to load their module).
import * as api from 'wasm-heap-manager'
import { createReport, runSuite } from './suite.js'
import { runThreads, webWorkerHost } from './threads.js'

const report = createReport('deno')
console.log(`deno: Deno ${Deno.version.deno}, V8 ${Deno.version.v8}`)

await report.check('resolves the installed package (Deno)', () => {
	const resolved = import.meta.resolve('wasm-heap-manager')
	const wanted = new URL('./node_modules/wasm-heap-manager/dist/index.js', import.meta.url).href
	if (resolved !== wanted) throw new Error(`resolved ${resolved}, expected ${wanted}`)
})
await runSuite(api, report)
await runThreads(api, report, webWorkerHost(new URL('./threads-worker-web.mjs', import.meta.url).href))
const { failed } = report.finish()
Deno.exit(failed > 0 ? 1 : 0)
