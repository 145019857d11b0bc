/**
 * sql.js ships no TypeScript declarations. This declares what the README's sql.js
 * example calls: `initSqlJs` resolves to sql.js's Emscripten module itself, whose C
 * functions (SQLite's, with `_` in front) take and return pointers as numbers.
 * test/readme.test.ts adds this file to the programs that type-check the README blocks.
 */
declare module 'sql.js' {
	export interface SqlJsConfig {
		/** Emscripten's hook: instantiate the wasm with `imports`, hand the instance to `receiveInstance`, return `{}`. */
		instantiateWasm?(imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance) => void): object
		locateFile?(file: string): string
	}

	/** The module: `_malloc`, `_free` and SQLite's C API; no `HEAPU8`, no `wasmMemory`. */
	export interface SqlJsModule {
		_malloc(size: number): number
		_free(address: number): void
		_sqlite3_open(filename: number, outDatabase: number): number
		_sqlite3_close_v2(database: number): number
		_sqlite3_exec(database: number, sql: number, callback: number, argument: number, outErrorMessage: number): number
		_sqlite3_prepare_v2(database: number, sql: number, byteCount: number, outStatement: number, outTail: number): number
		_sqlite3_step(statement: number): number
		_sqlite3_column_text(statement: number, column: number): number
		_sqlite3_finalize(statement: number): number
		_sqlite3_free(address: number): void
	}

	/** Resolves to the module. Only the first call's config counts: later calls return the same promise. */
	export default function initSqlJs(config?: SqlJsConfig): Promise<SqlJsModule>
}
