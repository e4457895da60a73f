// The window's own origin, app://renderer/: a privileged, standard, secure scheme that serves
// only the built renderer folder (see appRequest), so the page never runs from file:// and
// reaches no other file.
import { readFile } from 'node:fs';
import { promisify } from 'node:util';
import { protocol } from 'electron';
import { answerAppRequest, APP_SCHEME } from './appRequest';

// the callback form: Electron patches it to read inside app.asar
const readFileOf = promisify(readFile);

/** Must run before the app is ready: a scheme's privileges are fixed at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves app://renderer/… from `rendererDir` (after ready). */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await answerAppRequest(rendererDir, request.method, request.url);
    const body =
      answer.file === null
        ? answer.text
        : request.method === 'HEAD'
          ? null
          : await readFileOf(answer.file);
    return new Response(body, { status: answer.status, headers: answer.headers });
  });
}
