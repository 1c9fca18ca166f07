import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ParameterError, SpikeworksError } from '../core/errors.js';

/** The built page: dist-web/ at the package root, one level above this file in the sources (cli/) and in the bundle (dist/). */
export function defaultPageDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist-web');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

/**
 * What makes the page cross-origin isolated (SharedArrayBuffer and Atomics for the Web Workers backend):
 * COOP and COEP on every response, and CORP so that the page's own files pass require-corp.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export interface PageServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export function parsePort(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw new ParameterError('spikeworks serve', '--port', value, 'an integer from 0 to 65535 (0: any free port)');
  return n;
}

/** Serve the static files of `dir` on host:port (port 0: a free one) with the isolation headers. */
export async function servePage(options: { dir?: string; port?: number; host?: string } = {}): Promise<PageServer> {
  const dir = resolve(options.dir ?? defaultPageDir());
  const port = parsePort(options.port ?? 8080);
  const host = options.host ?? '127.0.0.1';
  if (!existsSync(join(dir, 'index.html'))) {
    throw new SpikeworksError(`no built page in ${dir} (index.html missing): build it with npm run build:web`);
  }
  const server = createServer((req, res) => {
    const headers: Record<string, string> = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-cache' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request path');
      return;
    }
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    // Nothing outside the page's folder.
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new ParameterError('spikeworks serve', '--port', port, `a free port (${port} is in use; --port 0 takes any free one)`) : e));
    server.listen(port, host, () => ok());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/`, port: bound, server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the page (spikeworks in the browser, built by npm run build:web) on localhost, cross-origin isolated')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--dir <folder>', 'the built page (default: dist-web of this package)')
    .action(async (opts: { port: string; host: string; dir?: string }) => {
      const s = await servePage({ port: parsePort(opts.port), host: opts.host, dir: opts.dir });
      console.log(`spikeworks page at ${s.url} (Ctrl-C stops it)`);
      await new Promise<void>((ok) => {
        const stop = () => void s.close().then(ok);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
