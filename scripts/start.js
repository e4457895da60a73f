// `npm start` (after `npm run build`): the desktop app when Electron's binary can run here,
// otherwise the browser dashboard, which prints the URL to open. Ctrl+C reaches the child.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { downloadElectronBinary, electronBinary } = require('./electronBinary');
const { withMallocTuning } = require('../dist/main/shared/mallocTuning');

const root = path.resolve(__dirname, '..');

function run(command, args) {
  // Its own process group (POSIX) so that Ctrl+C reaches the child once, through us, and it
  // can shut down cleanly; a Windows console delivers Ctrl+C to both processes by itself.
  const ownGroup = process.platform !== 'win32';
  const env = withMallocTuning(process.env);
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: ownGroup, env });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (ownGroup || signal === 'SIGTERM') child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`start: could not run ${command}: ${error.message}`);
    process.exit(1);
  });
}

/** The binary, downloading it first when the package is installed without it. */
function findElectron() {
  const found = electronBinary(root);
  if (!found.downloadable) return found;
  const failure = downloadElectronBinary(root);
  return failure ? { reason: failure } : electronBinary(root);
}

const electron = findElectron();
if (electron.binary) {
  run(electron.binary, ['.']);
} else {
  console.log(`${electron.reason} — starting the browser dashboard instead.`);
  run(process.execPath, [path.join(root, 'dist', 'main', 'cli', 'main.js'), 'dashboard']);
}
