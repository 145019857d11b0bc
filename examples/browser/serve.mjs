#!/usr/bin/env node
// A tiny static file server for the browser example. It serves the repository root
// (so the page can import ../../dist/index.js as it is) on 127.0.0.1 only, with the
// two headers that make a page cross-origin isolated, which browsers require before
// they expose SharedArrayBuffer (and so shared WebAssembly.Memory):
//
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
//
//   npm run serve:browser [-- port]     (default 8080; 0 = any free port)
//
// Like `npm run demo`, it first builds dist/ (npm run build) when dist/ is missing or
// older than its sources, so a fresh clone needs nothing else.
import { createServer } from 'node:http'
import { createReadStream, statSync } from 'node:fs'
import { dirname, extname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuild, isBuildFresh } from '../../scripts/ensure-build.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const port = Number(process.argv[2] ?? process.env.PORT ?? 8080)
const page = '/examples/browser/'

const contentTypes = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.cjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.wasm': 'application/wasm',
	'.ts': 'text/plain; charset=utf-8',
	'.md': 'text/plain; charset=utf-8',
	'.png': 'image/png',
	'.svg': 'image/svg+xml',
}

const isolationHeaders = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Cross-Origin-Resource-Policy': 'same-origin',
	'Cache-Control': 'no-store',
}

function send(response, status, text) {
	response.writeHead(status, { ...isolationHeaders, 'Content-Type': 'text/plain; charset=utf-8' })
	response.end(text)
}

if (!isBuildFresh()) {
	console.log('serve: building dist/ (npm run build) ...')
	try {
		ensureBuild()
	} catch (error) {
		console.error(`serve: the build failed (${error.message}); the page needs dist/index.js`)
		process.exit(1)
	}
}

const server = createServer((request, response) => {
	if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed\n')
	let pathname
	try {
		pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname)
	} catch {
		return send(response, 400, 'bad request\n')
	}
	if (pathname === '/') {
		response.writeHead(302, { ...isolationHeaders, Location: page })
		return response.end()
	}

	// Serve files inside the repository root only (no ../ escapes, no NUL bytes).
	let file = normalize(join(root, pathname))
	const inside = relative(root, file)
	if (pathname.includes('\0') || inside.startsWith('..')) {
		return send(response, 404, 'not found\n')
	}
	let stats
	try {
		stats = statSync(file)
		if (stats.isDirectory()) {
			if (!pathname.endsWith('/')) {
				response.writeHead(301, { ...isolationHeaders, Location: `${pathname}/` })
				return response.end()
			}
			file = join(file, 'index.html')
			stats = statSync(file)
		}
	} catch {
		const hint = pathname.startsWith('/dist/') ? ' (run `npm run build` first)' : ''
		return send(response, 404, `not found: ${pathname}${hint}\n`)
	}

	response.writeHead(200, {
		...isolationHeaders,
		'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
		'Content-Length': stats.size,
	})
	if (request.method === 'HEAD') return response.end()
	createReadStream(file).pipe(response)
})

server.on('error', (error) => {
	console.error(`serve: ${error.message}`)
	process.exit(1)
})
server.listen(port, '127.0.0.1', () => {
	console.log(`serving ${root} (cross-origin isolated)`)
	console.log(`open http://127.0.0.1:${server.address().port}${page}   (Ctrl+C to stop)`)
})
