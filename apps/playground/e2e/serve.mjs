// A small static server for the built app (dist/) on 127.0.0.1: the MIME types browsers insist
// on (.wasm must be application/wasm to compile streaming, module scripts a JavaScript type) and,
// unless asked not to, the COOP/COEP headers that make the page cross-origin isolated (shared
// memory, hence two kernel threads). `node e2e/serve.mjs [--port N] [--no-isolation]`.
import console from 'node:console';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** @type {Record<string, string>} */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.csv': 'text/csv; charset=utf-8',
};

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** Serves `root` on 127.0.0.1 (port 0: a free one). Resolves to { url, close }. */
export async function serve({ root = DIST, port = 0, isolate = true } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => void respond(req, res));
  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function respond(req, res) {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(base, path));
      if (!file.startsWith(base)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      const info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => undefined);
      if (body === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        ...(isolate
          ? {
              'cross-origin-opener-policy': 'same-origin',
              'cross-origin-embedder-policy': 'require-corp',
            }
          : {}),
      });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  }
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const { url } = await serve({
    port: portAt >= 0 ? Number(args[portAt + 1]) : 4173,
    isolate: !args.includes('--no-isolation'),
  });
  console.log(`serving ${DIST} at ${url}`);
}
