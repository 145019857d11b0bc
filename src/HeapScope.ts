/**
 * Scopes: temporaries for one call, as Emscripten's `stackSave`/`stackRestore` give C
 * callers. A scope adopts every ref the manager allocates while it is the innermost open
 * one, and frees them, newest first, when it closes.
 */
import type { HeapCore } from './HeapCore.js'
import type { HeapRef } from './HeapRef.js'
import { raise, raiseAggregate, scopeDeallocatorsThrew, scopeKeepClosed, scopeKeepForeignRef } from './messages.js'

/** An open scope of a manager, from `heap.openScope()`; `using scope = heap.openScope()` closes it at the end of the block. */
export class HeapScope {
	/** @internal */
	private readonly core: HeapCore
	/** @internal The refs adopted, in allocation order; entries whose `scope` moved on are skipped. */
	private readonly refs: HeapRef[] = []
	/** @internal */
	private closed = false

	/** @internal Scopes are opened by `heap.openScope()` and `heap.withScope(fn)`. */
	constructor(core: HeapCore) {
		this.core = core
	}

	/** Whether `close()` has run. */
	get isClosed(): boolean {
		return this.closed
	}

	/** @internal Called by the manager for each ref allocated while this scope is innermost. */
	adopt(ref: HeapRef): void {
		ref.scope = this
		this.refs.push(ref)
	}

	/** @internal Forgets a ref that was freed, released or kept. */
	drop(ref: HeapRef): void {
		ref.scope = undefined
	}

	/**
	 * Moves `ref` out of the scope: closing will not free it (it stays tracked). Returns
	 * the ref.
	 * @throws TypeError if `ref` is not a ref this scope holds (or the scope is closed)
	 */
	keep<R extends HeapRef>(ref: R): R {
		if (this.closed) throw raise(scopeKeepClosed, 'HeapScope.keep')
		if (typeof ref !== 'object' || ref === null || (ref as HeapRef).scope !== this) {
			throw raise(scopeKeepForeignRef, 'HeapScope.keep', ref)
		}
		ref.scope = undefined
		return ref
	}

	/**
	 * Frees every ref the scope still holds, newest first. A deallocator that throws does
	 * not stop the others from being freed; its error is thrown afterwards (an
	 * `AggregateError` when there are several).
	 * @throws Error if the scope is already closed, or an inner scope is still open
	 */
	close(): void {
		this.core.closeScope(this, 'HeapScope.close')
		this.closed = true
		const refs = this.refs
		let errors: unknown[] | undefined
		for (let index = refs.length - 1; index >= 0; index--) {
			const ref = refs[index]!
			if (ref.scope !== this) continue
			try {
				ref.free()
			} catch (error) {
				;(errors ??= []).push(error)
			}
		}
		// (The array is not emptied: `refs.length = 0` took 5% of a three-temporary scope,
		// and a closed scope is garbage once its `using` block or withScope call ends.)
		if (errors !== undefined) {
			throw errors.length === 1 ? errors[0] : raiseAggregate(errors, scopeDeallocatorsThrew, 'HeapScope.close', errors.length)
		}
	}

	/** Calls `close()`, for `using scope = heap.openScope()`. */
	[Symbol.dispose](): void {
		this.close()
	}
}
