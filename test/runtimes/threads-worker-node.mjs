// A worker_threads worker of test/runtimes/threads.js (Node, ESM import of the package).
import { parentPort } from 'node:worker_threads'
import * as api from 'wasm-heap-manager'
import { threadWorker } from './threads.js'

threadWorker(api, { post: (message) => parentPort.postMessage(message), onMessage: (handler) => parentPort.on('message', handler) })
