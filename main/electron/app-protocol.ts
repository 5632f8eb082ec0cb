// The app:// protocol that serves the built renderer (dist/renderer) to the Electron window, as plain
// functions: URL → file inside the bundle (traversal refused), content types, and the security headers.
// main.ts wraps serveAppRequest in protocol.handle; nothing here imports electron.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './channels.ts';

/**
 * The window's Content-Security-Policy, sent as a header on every app:// response (the renderer's
 * <meta> policy also applies; the browser enforces both). No remote code, no eval, no frames, and the
 * page can reach nothing but its own origin: the core is over IPC, not the network.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type AppPath = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps an app://bundle/… URL to a file under `root`. Anything that would leave `root` (.., encoded
 * slashes or dots, absolute paths, NUL bytes, backslashes) is refused; "/" is index.html.
 */
export function resolveAppPath(root: string, url: string): AppPath {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return { ok: false, status: 403, reason: `only ${APP_SCHEME}://${APP_HOST}/ is served` };
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (pathname.includes('\0') || pathname.includes('\\'))
    return { ok: false, status: 400, reason: 'forbidden character in path' };
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.'))
    return { ok: false, status: 403, reason: 'path traversal refused' };
  const base = path.resolve(root);
  const file = path.resolve(base, ...(segments.length === 0 ? ['index.html'] : segments));
  if (file !== base && !file.startsWith(base + path.sep))
    return { ok: false, status: 403, reason: 'path traversal refused' };
  return { ok: true, file };
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string | null;
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/** Answers one app:// request from the files under `root` (dist/renderer). */
export async function serveAppRequest(root: string, method: string, url: string): Promise<AppResponse> {
  const headers = securityHeaders();
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      headers: { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'method not allowed',
    };
  }
  const target = resolveAppPath(root, url);
  if (!target.ok)
    return {
      status: target.status,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      body: target.reason,
    };
  try {
    const info = await stat(target.file);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    const body = method === 'HEAD' ? null : new Uint8Array(await readFile(target.file));
    return { status: 200, headers: { ...headers, 'Content-Type': contentType(target.file) }, body };
  } catch {
    return {
      status: 404,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'not found',
    };
  }
}
