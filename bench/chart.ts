/**
 * Draws bench/results/latest.json as bench/chart.svg: one row per case, one bar per
 * baseline, each the ratio library speed / baseline speed on a logarithmic axis
 * centred on 1x. A bar to the right of 1x means the library is faster than that
 * baseline, to the left slower. A goal is a black tick on its bar; a bar whose goal is
 * missed is drawn hatched with its value in red. No dependencies.
 *
 *   npx tsx bench/chart.ts [results.json] [out.svg]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { formatRatio, type CaseResult } from './harness.js'

export interface ResultsFile {
	readonly date: string
	readonly runtime: string
	readonly platform: string
	readonly library?: string
	readonly machine?: { readonly cpu?: string; readonly cores?: number }
	readonly results: CaseResult[]
}

/** Series colours by baseline (colour-blind-safe Okabe–Ito hues), with what each baseline is. */
export const series: Record<string, { color: string; label: string }> = {
	raw: { color: '#0072B2', label: 'vs raw (typed array / DataView / TextDecoder / TextEncoder, bare malloc)' },
	typed: { color: '#56B4E9', label: 'vs aligned typed array (no goal)' },
	emscripten: { color: '#E69F00', label: "vs Emscripten's own helpers" },
	'tracking off': { color: '#999999', label: 'vs the same with tracking off (no goal)' },
	'100 live': { color: '#009E73', label: 'vs the same with 100 live refs' },
	'10k live': { color: '#CC79A7', label: 'vs the same with 10,000 live refs' },
}
const fallbackColors = ['#D55E00', '#F0E442', '#000000']

const suiteTitles: Record<string, string> = {
	numeric: 'Numeric access, plain heap',
	access: 'Every width, atomics, refs, views (Emscripten heap)',
	strings: 'Null-terminated strings',
	allocation: 'Allocation (Emscripten malloc/free, tracking on)',
	tracking: 'Allocation table: free(address) vs live refs, tracking on/off',
}

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Width of `text` in px at 12px of a sans-serif font, roughly (for layout only). */
function textWidth(text: string, size = 12): number {
	let width = 0
	for (const character of text) width += /[il.,:;'|!()\[\] ]/.test(character) ? 0.3 : /[A-Z0-9mwMW]/.test(character) ? 0.68 : 0.55
	return width * size
}

export function renderChart(data: ResultsFile): string {
	const results = data.results
	const baselinesUsed = [...new Set(results.flatMap((result) => Object.keys(result.ratios)))]
	const colorOf = (baseline: string): string =>
		series[baseline]?.color ?? fallbackColors[baselinesUsed.indexOf(baseline) % fallbackColors.length]!

	// Axis: powers of ten around every ratio and goal, at least 0.1x to 10x, at most
	// 0.001x to 1000x; a bar beyond the axis ends in an arrowhead at its edge.
	const values = results.flatMap((result) => [...Object.values(result.ratios), ...Object.values(result.goals)]).filter((value) => value > 0)
	const minExponent = Math.max(-3, Math.min(-1, Math.floor(Math.log10(Math.min(...values)))))
	const maxExponent = Math.min(3, Math.max(1, Math.ceil(Math.log10(Math.max(...values)))))

	const labelWidth = Math.ceil(Math.max(...results.map((result) => textWidth(result.name))) + 24)
	const plotLeft = labelWidth
	const plotWidth = 700
	const valueWidth = 150
	const width = plotLeft + plotWidth + valueWidth
	const clamp = (ratio: number): number => Math.min(10 ** maxExponent, Math.max(ratio, 10 ** minExponent))
	const x = (ratio: number): number => plotLeft + ((Math.log10(clamp(ratio)) - minExponent) / (maxExponent - minExponent)) * plotWidth
	const barHeight = 10
	const barGap = 3
	const rowGap = 8
	const sectionGap = 30

	const met = results.reduce((count, result) => count + Object.keys(result.goals).length - result.missed.length, 0)
	const missedCount = results.reduce((count, result) => count + result.missed.length, 0)

	const parts: string[] = []
	let y = 0
	// ---- title and legend ----------------------------------------------------------------
	y += 26
	parts.push(`<text x="12" y="${y}" class="title">wasm-heap-manager: speed relative to the raw path and to Emscripten</text>`)
	y += 20
	const machine = data.machine?.cpu === undefined ? '' : ` · ${data.machine.cpu}${data.machine.cores === undefined ? '' : ` × ${data.machine.cores}`}`
	parts.push(
		`<text x="12" y="${y}" class="subtitle">${escapeXml(`${data.runtime}${machine} · ${data.date.slice(0, 10)} · ${met} goals met, ${missedCount} missed`)}</text>`,
	)
	y += 18
	parts.push(
		`<text x="12" y="${y}" class="subtitle">Each bar: library speed ÷ baseline speed (log scale). Right of 1× the library is faster, left of it slower.</text>`,
	)
	y += 12
	let legendX = 12
	let legendY = y + 12
	for (const baseline of baselinesUsed) {
		const label = series[baseline]?.label ?? `vs ${baseline}`
		const itemWidth = 22 + textWidth(label, 11) + 18
		if (legendX + itemWidth > width - 12) {
			legendX = 12
			legendY += 18
		}
		parts.push(`<rect x="${legendX}" y="${legendY - 9}" width="16" height="${barHeight}" fill="${colorOf(baseline)}"/>`)
		parts.push(`<text x="${legendX + 22}" y="${legendY}" class="legend">${escapeXml(label)}</text>`)
		legendX += itemWidth
	}
	legendY += 18
	legendX = 12
	parts.push(`<line x1="${legendX + 8}" x2="${legendX + 8}" y1="${legendY - 12}" y2="${legendY + 2}" class="goal"/>`)
	parts.push(`<text x="${legendX + 22}" y="${legendY}" class="legend">goal (minimum ratio)</text>`)
	legendX += 22 + textWidth('goal (minimum ratio)', 11) + 18
	parts.push(`<rect x="${legendX}" y="${legendY - 9}" width="16" height="${barHeight}" fill="url(#missed-raw)" stroke="#C00000" stroke-width="1"/>`)
	parts.push(`<text x="${legendX + 22}" y="${legendY}" class="legend missed">hatched, red value: goal missed</text>`)
	y = legendY + 16

	// ---- axis -------------------------------------------------------------------------------
	const axisTop = y + 14
	const ticks: number[] = []
	for (let exponent = minExponent; exponent <= maxExponent; exponent++) ticks.push(10 ** exponent)
	const tickLabel = (tick: number): string => (tick >= 1 ? `${tick}×` : `${Number(tick.toPrecision(1))}×`)
	const axisLabels = (labelY: number): string[] =>
		ticks.map((tick) => `<text x="${x(tick).toFixed(1)}" y="${labelY}" class="tick">${tickLabel(tick)}</text>`)
	parts.push(...axisLabels(axisTop))
	parts.push(`<text x="${x(1) - 8}" y="${axisTop - 16}" class="direction" text-anchor="end">← library slower</text>`)
	parts.push(`<text x="${x(1) + 8}" y="${axisTop - 16}" class="direction" text-anchor="start">library faster →</text>`)
	y = axisTop + 10
	const plotTop = y

	// ---- rows -----------------------------------------------------------------------------------
	let currentSuite = ''
	const rows: string[] = []
	for (const result of results) {
		if (result.suite !== currentSuite) {
			currentSuite = result.suite
			y += currentSuite === results[0]!.suite ? 12 : sectionGap
			rows.push(`<text x="12" y="${y}" class="section">${escapeXml(suiteTitles[currentSuite] ?? currentSuite)}</text>`)
			rows.push(`<line x1="12" x2="${width - 12}" y1="${y + 5}" y2="${y + 5}" class="rule"/>`)
			y += 14
		}
		const baselines = Object.keys(result.ratios)
		const rowHeight = baselines.length * (barHeight + barGap) - barGap
		rows.push(`<text x="${plotLeft - 14}" y="${(y + rowHeight / 2 + 4).toFixed(1)}" class="label">${escapeXml(result.name)}</text>`)
		for (const baseline of baselines) {
			const ratio = result.ratios[baseline]!
			const goal = result.goals[baseline]
			const missed = result.missed.includes(baseline)
			const from = x(1)
			const to = x(ratio)
			const left = Math.min(from, to)
			const barWidth = Math.max(Math.abs(to - from), 1)
			const fill = missed ? `url(#missed-${baselinesUsed.indexOf(baseline)})` : colorOf(baseline)
			const stroke = missed ? ` stroke="#C00000" stroke-width="1"` : ''
			const title = `${result.name} — vs ${baseline}: ${formatRatio(ratio)}${goal === undefined ? '' : ` (goal ${goal}×${missed ? ', missed' : ', met'})`}`
			rows.push(
				`<rect x="${left.toFixed(1)}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight}" fill="${fill}"${stroke}><title>${escapeXml(title)}</title></rect>`,
			)
			if (clamp(ratio) !== ratio) {
				// Off the axis: an arrowhead at the edge says the bar goes on.
				const tip = ratio < 1 ? to - 7 : to + 7
				rows.push(`<path d="M${to.toFixed(1)} ${y - 2} L${tip.toFixed(1)} ${y + barHeight / 2} L${to.toFixed(1)} ${y + barHeight + 2} Z" fill="${missed ? '#C00000' : colorOf(baseline)}"/>`)
			}
			if (goal !== undefined) {
				rows.push(`<line x1="${x(goal).toFixed(1)}" x2="${x(goal).toFixed(1)}" y1="${y - 2}" y2="${y + barHeight + 2}" class="goal"/>`)
			}
			const mark = goal === undefined ? '' : missed ? ` ✗ goal ${goal}×` : ' ✓'
			rows.push(
				`<text x="${plotLeft + plotWidth + 8}" y="${y + barHeight - 1}" class="value${missed ? ' missed' : ''}" fill="${missed ? '#C00000' : colorOf(baseline)}">${escapeXml(`${formatRatio(ratio)}${mark}`)}</text>`,
			)
			y += barHeight + barGap
		}
		y += rowGap - barGap
	}
	const plotBottom = y + 4

	// Grid behind the rows, parity line on top of the grid.
	const grid: string[] = []
	for (const tick of ticks) {
		grid.push(`<line x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${plotTop}" y2="${plotBottom}" class="${tick === 1 ? 'parity' : 'grid'}"/>`)
		for (const minor of [2, 3, 5]) {
			const value = tick * minor
			if (value < 10 ** maxExponent) grid.push(`<line x1="${x(value).toFixed(1)}" x2="${x(value).toFixed(1)}" y1="${plotTop}" y2="${plotBottom}" class="minor"/>`)
		}
	}
	y = plotBottom + 16
	parts.push(...grid, ...rows, ...axisLabels(y))
	const height = y + 16

	const patterns = baselinesUsed.map(
		(baseline, index) =>
			`<pattern id="missed-${index}" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/><rect width="2.5" height="5" fill="${colorOf(baseline)}"/></pattern>`,
	)
	patterns.push(
		`<pattern id="missed-raw" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/><rect width="2.5" height="5" fill="${colorOf('raw')}"/></pattern>`,
	)
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">
<defs>${patterns.join('')}</defs>
<style>
.title { font-size: 17px; font-weight: 600; fill: #111; }
.subtitle { font-size: 12px; fill: #444; }
.legend { font-size: 11px; fill: #222; }
.section { font-size: 13px; font-weight: 600; fill: #111; }
.label { font-size: 12px; fill: #222; text-anchor: end; }
.tick { font-size: 11px; fill: #555; text-anchor: middle; }
.direction { font-size: 11px; fill: #333; font-style: italic; }
.value { font-size: 10px; font-weight: 600; }
.missed { fill: #C00000; }
.rule { stroke: #bbb; stroke-width: 1; }
.grid { stroke: #d8d8d8; stroke-width: 1; }
.minor { stroke: #efefef; stroke-width: 1; }
.parity { stroke: #333; stroke-width: 1.5; }
.goal { stroke: #000; stroke-width: 2; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
	const input = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url))
	const output = process.argv[3] ?? fileURLToPath(new URL('./chart.svg', import.meta.url))
	const data = JSON.parse(readFileSync(input, 'utf8')) as ResultsFile
	writeFileSync(output, renderChart(data))
	console.log(`wrote ${output} (${data.results.length} cases)`)
}
