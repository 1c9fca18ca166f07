import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { ISOLATION_HEADERS, parsePort, servePage, type PageServer } from '../../cli/serve.js';
import { ParameterError, SpikeworksError } from '../../core/errors.js';

/** A raw GET (fetch would normalise '..' out of the path before sending it). */
function get(url: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('spikeworks serve', () => {
  let dir: string;
  let server: PageServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spikeworks-serve-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.js'), 'export {};');
    writeFileSync(join(dir, '..', 'spikeworks-serve-outside.txt'), 'secret');
    server = await servePage({ dir, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(dir, '..', 'spikeworks-serve-outside.txt'), { force: true });
  });

  it('serves the files with the cross-origin isolation headers and their content types', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const index = await get(server.url, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>t</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) expect(index.headers[k.toLowerCase()]).toBe(v);
    const js = await get(server.url, '/sub/a.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('answers 404 for a missing file and 403 for a path outside the folder', async () => {
    expect((await get(server.url, '/nothing.js')).status).toBe(404);
    // '..' segments are resolved by the URL parser (to a file inside, here missing); an encoded slash is not.
    for (const path of ['/../spikeworks-serve-outside.txt', '/%2e%2e/spikeworks-serve-outside.txt']) {
      const r = await get(server.url, path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('secret');
    }
    const encoded = await get(server.url, '/..%2fspikeworks-serve-outside.txt');
    expect(encoded.status).toBe(403);
    expect(encoded.body).not.toContain('secret');
  });

  it('refuses a bad port, a port in use and a folder without a built page, naming what is wrong', async () => {
    expect(() => parsePort('80a')).toThrow(ParameterError);
    expect(() => parsePort('70000')).toThrow(/'--port' = "70000" is invalid; allowed: an integer from 0 to 65535/);
    await expect(servePage({ dir, port: server.port })).rejects.toThrow(new RegExp(`'--port' = ${server.port} is invalid; allowed: a free port`));
    const empty = mkdtempSync(join(tmpdir(), 'spikeworks-serve-empty-'));
    try {
      await expect(servePage({ dir: empty, port: 0 })).rejects.toThrow(SpikeworksError);
      await expect(servePage({ dir: empty, port: 0 })).rejects.toThrow(/npm run build:web/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
