// A Web Worker of test/runtimes/threads.js (Bun, Deno): imports the installed package by name.
import * as api from 'wasm-heap-manager'
import { threadWorker } from './threads.js'

threadWorker(api, { post: (message) => self.postMessage(message), onMessage: (handler) => self.addEventListener('message', (event) => handler(event.data)) })
