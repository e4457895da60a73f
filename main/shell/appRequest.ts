// What the window's app:// protocol answers, without electron so it is testable anywhere:
// app://renderer/<path> is a file of the built renderer (server/rendererFiles confines it),
// GET and HEAD only, every answer with the renderer's headers and CSP.
import { findRendererFile, RENDERER_HEADERS } from '../server/rendererFiles';

export const APP_SCHEME = 'app';
const APP_HOST = 'renderer';

/** The page the window loads. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export interface AppAnswer {
  status: number;
  headers: Record<string, string>;
  /** the file to send (200), or the text of a refusal */
  file: string | null;
  text: string;
}

export async function answerAppRequest(
  rendererDir: string,
  method: string,
  url: string,
): Promise<AppAnswer> {
  if (method !== 'GET' && method !== 'HEAD') {
    return refusal(405, 'method not allowed', { Allow: 'GET, HEAD' });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refusal(404, 'not found');
  }
  const ours = parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  const found = ours ? await findRendererFile(rendererDir, parsed.pathname) : null;
  if (!found) return refusal(404, 'not found');
  return {
    status: 200,
    headers: { ...RENDERER_HEADERS, 'Content-Type': found.contentType },
    file: found.file,
    text: '',
  };
}

function refusal(status: number, text: string, extra: Record<string, string> = {}): AppAnswer {
  const headers = { ...RENDERER_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra };
  return { status, headers, file: null, text: text + '\n' };
}
