// Node CommonJS entry: require()s the installed package by name (the exports map's
// "require" condition, dist/index.cjs) and runs the portable suite on it, then the
// threads scenario (threads.js) with worker_threads workers that require() it as well.
// Usage: node entry-node.cjs <label>
'use strict'
const path = require('node:path')
const api = require('wasm-heap-manager')

async function main() {
	const { createReport, runSuite } = await import('./suite.js')
	const { nodeWorkerHost, runThreads } = await import('./threads.js')
	const label = process.argv[2] ?? `node${process.versions.node.split('.')[0]}-cjs`
	const report = createReport(label)
	console.log(`${label}: Node ${process.version} (${process.execPath}), CommonJS require`)
	await report.check('resolves the installed package (CommonJS)', () => {
		const resolved = require.resolve('wasm-heap-manager')
		const wanted = path.join(__dirname, 'node_modules', 'wasm-heap-manager', 'dist', 'index.cjs')
		if (resolved !== wanted) throw new Error(`resolved ${resolved}, expected ${wanted}`)
		if (Object.prototype.toString.call(api) === '[object Module]') throw new Error('require() returned an ES module namespace')
	})
	await runSuite(api, report)
	// Its workers require() the package too.
	const { Worker } = require('node:worker_threads')
	await runThreads(api, report, nodeWorkerHost(Worker, path.join(__dirname, 'threads-worker-node.cjs')))
	const { failed } = report.finish()
	process.exitCode = failed > 0 ? 1 : 0
}

main().catch((error) => {
	console.error(error)
	process.exitCode = 1
})
