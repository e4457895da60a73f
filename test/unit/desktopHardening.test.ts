// The locked-down desktop build: electron-builder.yml packs the app into an asar and flips the
// fuses a hardened app wants, and the window's app:// protocol serves the built renderer folder
// and nothing else — no "..", encoded traversal, absolute paths, other hosts or symlink escapes —
// with content types and the CSP header.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import { CONTENT_SECURITY_POLICY } from '../../main/server/contentSecurityPolicy';
import { answerAppRequest, APP_INDEX_URL } from '../../main/shell/appRequest';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('electron-builder.yml', () => {
  const config = load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<
    string,
    unknown
  >;

  it('packs the app into an asar archive', () => {
    assert.equal(config.asar, true);
  });

  it('flips the fuses of a locked-down binary', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

describe('the app:// protocol', () => {
  let root = '';
  let renderer = '';

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ps-app-protocol-'));
    renderer = path.join(root, 'renderer');
    await mkdir(path.join(renderer, 'chart'), { recursive: true });
    await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>PS</title>');
    await writeFile(path.join(renderer, 'app.js'), 'void 0;');
    await writeFile(path.join(renderer, 'app.css'), 'body{}');
    await writeFile(path.join(renderer, 'chart', 'plot.svg'), '<svg/>');
    await writeFile(path.join(renderer, 'blob.bin'), 'x');
    await writeFile(path.join(root, 'secret.txt'), 'not for the page');
    await symlink(path.join(root, 'secret.txt'), path.join(renderer, 'leak.txt'));
    await symlink(root, path.join(renderer, 'up'));
    await symlink(path.join(renderer, 'app.js'), path.join(renderer, 'alias.js'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const get = (url: string, method = 'GET') => answerAppRequest(renderer, method, url);

  it('serves the page at app://renderer/index.html with its type and the CSP', async () => {
    assert.equal(APP_INDEX_URL, 'app://renderer/index.html');
    const index = await get(APP_INDEX_URL);
    assert.equal(index.status, 200);
    assert.equal(index.file, path.join(renderer, 'index.html'));
    assert.equal(index.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
    assert.equal(index.headers['X-Content-Type-Options'], 'nosniff');
    assert.equal((await get('app://renderer/')).file, path.join(renderer, 'index.html'));
  });

  it('gives every file its content type', async () => {
    const types: [string, string][] = [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
      ['chart/plot.svg', 'image/svg+xml'],
      ['blob.bin', 'application/octet-stream'],
    ];
    for (const [name, type] of types) {
      const answer = await get(`app://renderer/${name}`);
      assert.equal(answer.status, 200, name);
      assert.equal(answer.headers['Content-Type'], type, name);
    }
    assert.equal((await get('app://renderer/app.js', 'HEAD')).status, 200);
  });

  it('never answers with a file outside the renderer folder', async () => {
    for (const url of [
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/chart/%2e%2e/%2e%2e/secret.txt',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/%2e%2e%2fsecret.txt',
      'app://renderer/%2e%2e%5csecret.txt',
      'app://renderer/..%5csecret.txt',
      `app://renderer/${encodeURIComponent(path.join(root, 'secret.txt'))}`,
      `app://renderer/%2F${encodeURIComponent(path.join(root, 'secret.txt').slice(1))}`,
      'app://renderer//etc/passwd',
      'app://renderer/leak.txt',
      'app://renderer/up/secret.txt',
      'app://renderer/%00',
      'app://renderer/%E0%A4%A',
      'app://renderer/chart',
      'app://other/index.html',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const answer = await get(url);
      assert.equal(answer.status, 404, url);
      assert.equal(answer.file, null, url);
      assert.equal(answer.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY, url);
    }
  });

  it('follows a symlink that stays inside the folder', async () => {
    const answer = await get('app://renderer/alias.js');
    assert.equal(answer.status, 200);
    assert.equal(answer.file, path.join(renderer, 'app.js'));
  });

  it('answers only GET and HEAD', async () => {
    const answer = await get(APP_INDEX_URL, 'POST');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.Allow, 'GET, HEAD');
    assert.equal(answer.file, null);
  });
});
