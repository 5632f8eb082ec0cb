// Serves the built renderer (dist/renderer) read-only: GET and HEAD of regular files inside the root,
// with a content type per extension and no directory listings, dotfiles or escapes from the root.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.glb': 'model/gltf-binary',
  '.bin': 'application/octet-stream',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export class StaticRootError extends Error {
  override name = 'StaticRootError';
}

/** Resolves the static root once; a missing build is a clear error rather than a server of 404s. */
export function resolveStaticRoot(staticDir: string): string {
  let root: string;
  try {
    root = realpathSync(path.resolve(staticDir));
  } catch {
    throw new StaticRootError(
      `The renderer is not built: ${path.resolve(staticDir)} does not exist; run \`npm run build\` first.`,
    );
  }
  try {
    if (!statSync(path.join(root, 'index.html')).isFile()) throw new Error('not a file');
  } catch {
    throw new StaticRootError(
      `The renderer is not built: ${path.join(root, 'index.html')} is missing; run \`npm run build\` first.`,
    );
  }
  return root;
}

/**
 * Maps a request target to a file path inside root, or null when it is malformed, names a dotfile or
 * would leave the root. Percent-escapes are decoded before the check, so `..%2f` cannot escape.
 */
export function resolveRequestPath(root: string, target: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(target, 'http://localhost').pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname.endsWith('/')) pathname += 'index.html';
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null;
  const file = path.resolve(root, ...segments);
  if (!file.startsWith(root + path.sep)) return null;
  return file;
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

/** Answers one static request. Security headers are set by the caller before this runs. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    plain(res, 405, 'Method not allowed.\n', { Allow: 'GET, HEAD' });
    return;
  }
  const file = resolveRequestPath(root, req.url ?? '/');
  if (file === null) {
    plain(res, 404, 'Not found.\n');
    return;
  }
  let real: string;
  let size: number;
  try {
    real = await realpath(file);
    // A symlink inside the build must not lead out of it.
    if (!real.startsWith(root + path.sep)) throw new Error('outside root');
    const info = await stat(real);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    plain(res, 404, 'Not found.\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeFor(real),
    'Content-Length': size,
    // The renderer is rebuilt often during development; revalidate rather than serve stale bundles.
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
