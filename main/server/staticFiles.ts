// Serves the built renderer (dist/renderer) read-only over HTTP: GET and HEAD, a content type
// per extension, the page's CSP on every response, and no path outside the folder.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findRendererFile, RENDERER_HEADERS } from './rendererFiles';

/** The built renderer next to the compiled engine (dist/main/server → dist/renderer). */
export function builtRendererDir(): string {
  return path.resolve(__dirname, '..', '..', 'renderer');
}

/** A plain-text status answer with the dashboard's headers. */
export function sendStatus(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...RENDERER_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text + '\n');
}

export async function serveStatic(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    sendStatus(response, 405, 'method not allowed');
    return;
  }
  const urlPath = (request.url ?? '/').split('?')[0] ?? '/';
  const found = await findRendererFile(root, urlPath);
  if (!found) {
    sendStatus(response, 404, 'not found');
    return;
  }
  response.writeHead(200, {
    ...RENDERER_HEADERS,
    'Content-Type': found.contentType,
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(found.file);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}
