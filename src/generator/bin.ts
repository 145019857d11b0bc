/** The `wasm-heap-manager` bin: `import-c` and `generate` (see cli.ts). */
import { main } from './cli.js'

await main(process.argv.slice(2))
