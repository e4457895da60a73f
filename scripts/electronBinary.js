// Finds the Electron binary the way the electron package would, without its side effect:
// `require('electron')` tries to download a missing binary (and prints a stack when offline).
// Returns { binary } or { reason } saying why the desktop app cannot run here, with
// downloadable: true when only the binary is missing. Used by
// scripts/start.js and the Electron launch test. downloadElectronBinary() is the explicit,
// bounded download that Electron's own install script would do at install time (CI and
// `npm install` under npm's allowScripts policy skip it), run on the first start instead.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function electronBinary(root) {
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
      downloadable: true,
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

const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

/** Runs the electron package's own installer once; returns null or a one-line reason. */
function downloadElectronBinary(root) {
  let installer;
  try {
    installer = require.resolve('electron/install.js', { paths: [root] });
  } catch {
    return 'Electron is not installed (no electron package in node_modules)';
  }
  console.log("downloading Electron's binary (once)…");
  const result = spawnSync(process.execPath, [installer], {
    cwd: root,
    encoding: 'utf8',
    timeout: DOWNLOAD_TIMEOUT_MS,
  });
  if (result.status === 0) return null;
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const cause = /^\w*Error: (.+)$/m.exec(output)?.[1] ?? (result.error?.message || 'no network');
  return `Electron's binary could not be downloaded (${cause.trim()})`;
}

module.exports = { electronBinary, downloadElectronBinary };
