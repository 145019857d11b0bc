import type { Op, Runner, Slot } from './runner.js'
import type { Random } from './random.js'
export interface StructOpData {
	readonly type: number
}
export class StructCatalog {
	run(runner: Runner, op: Op): boolean {
		void runner
		void op
		return false
	}
	generate(runner: Runner, rng: Random, index: number): Op {
		void runner, rng
		return { index, kind: 'grow', member: 'grow', args: [], faults: [] }
	}
	memberName(runner: Runner, op: Op): string {
		void runner
		return op.member
	}
	where(runner: Runner, op: Op): string {
		void runner
		return op.member
	}
}
export type { Slot }
