/**
 * The page of `npm run bench:browser`: `runBenchJob(job)` runs one job in a fresh module
 * worker (worker.ts) and resolves with what it posts back; every line the worker prints
 * goes to the page's console, where bench/browser.ts reads it.
 */
import type { Job, JobMessage } from './jobs.js'

type DoneMessage = Extract<JobMessage, { kind: 'done' }>

function runBenchJob(job: Job): Promise<DoneMessage> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
		worker.addEventListener('message', (event: MessageEvent<JobMessage>) => {
			const message = event.data
			if (message.kind === 'line') {
				console.log(message.line)
				return
			}
			worker.terminate()
			if (message.kind === 'done') resolve(message)
			else reject(new Error(`bench worker (${job.suite}, ${job.memory} memory, ${job.regime}): ${message.error}`))
		})
		worker.addEventListener('error', (event) => {
			worker.terminate()
			reject(new Error(`bench worker (${job.suite}, ${job.memory} memory, ${job.regime}) failed to run: ${event.message}`))
		})
		worker.postMessage(job)
	})
}

Object.assign(globalThis, { runBenchJob, benchPageReady: { crossOriginIsolated, userAgent: navigator.userAgent } })
