// A module Web Worker of test/runtimes/threads.js, started by the cross-origin-isolated page.
import * as api from '/node_modules/wasm-heap-manager/dist/index.js'
import { threadWorker } from '/threads.js'

threadWorker(api, { post: (message) => self.postMessage(message), onMessage: (handler) => self.addEventListener('message', (event) => handler(event.data)) })
