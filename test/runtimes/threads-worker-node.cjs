// A worker_threads worker of test/runtimes/threads.js (Node, CommonJS require of the package).
'use strict'
const { parentPort } = require('node:worker_threads')
const api = require('wasm-heap-manager')

import('./threads.js').then(({ threadWorker }) => {
	threadWorker(api, { post: (message) => parentPort.postMessage(message), onMessage: (handler) => parentPort.on('message', handler) })
})
