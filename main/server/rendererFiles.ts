// Finds the built renderer's files for any transport (the dashboard's HTTP server, the desktop
// window's app:// protocol): a URL path maps to a regular file inside the folder or to nothing —
// no "..", no encoded traversal, no backslashes or NULs, no symlink leading out — with its
// content type and the headers every renderer response carries. No electron import here.
import { realpath, stat } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';

// the callback forms: Electron patches them to read inside app.asar
const realpathOf = promisify(realpath);
const statOf = promisify(stat);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers every renderer response carries, whatever the transport. */
export const RENDERER_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export interface RendererFile {
  /** the file's real path */
  file: string;
  size: number;
  contentType: string;
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file inside `root`, or null when it would leave the folder or is not a
 * plain path. "/" and paths ending in "/" mean index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = path.posix.normalize(decoded.endsWith('/') ? decoded + 'index.html' : decoded);
  const resolvedRoot = path.resolve(root);
  const file = path.resolve(resolvedRoot, '.' + relative);
  return inside(resolvedRoot, file) ? file : null;
}

/** The regular file a URL path names inside `root`, after following symlinks; else null. */
export async function findRendererFile(
  root: string,
  urlPath: string,
): Promise<RendererFile | null> {
  const file = resolveStaticPath(root, urlPath);
  if (!file) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpathOf(root), realpathOf(file)]);
    if (!inside(realRoot, realFile)) return null;
    const info = await statOf(realFile);
    if (!info.isFile()) return null;
    return { file: realFile, size: info.size, contentType: contentTypeOf(realFile) };
  } catch {
    return null;
  }
}

function inside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith('..' + path.sep) &&
    !path.isAbsolute(relative)
  );
}
