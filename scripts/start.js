// `npm start` (after `npm run build`): the desktop app when Electron's binary is installed,
// otherwise the browser dashboard, which prints the URL to open. Ctrl+C reaches the child.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/**
 * The Electron binary, or the reason it cannot run here. `require('electron')` would try to
 * download a missing binary (and print a stack when offline), so read what it would read.
 */
function electronBinary() {
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return { reason: 'Electron is not installed (no electron package in node_modules)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) {
    return {
      reason: "Electron's binary is not installed here (node_modules/electron/path.txt is missing)",
    };
  }
  const binary = override
    ? path.join(override, relative || 'electron')
    : path.join(packageDir, 'dist', relative);
  if (!fs.existsSync(binary)) return { reason: `Electron's binary ${binary} does not exist` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display for Electron (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { binary };
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`start: could not run ${command}: ${error.message}`);
    process.exit(1);
  });
}

const electron = electronBinary();
if (electron.binary) {
  run(electron.binary, ['.']);
} else {
  console.log(`${electron.reason} — starting the browser dashboard instead.`);
  run(process.execPath, [path.join(root, 'dist', 'main', 'cli', 'main.js'), 'dashboard']);
}
