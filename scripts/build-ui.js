// Bundles what tsc cannot ship as is (run after `tsc`, as `npm run build` does):
//  - the renderer (React + Plotly) into dist/renderer/ as app.js, app.css and index.html, whose
//    <meta> CSP is the same policy the dashboard sends as a header;
//  - the preload into one file, dist/preload/preload.bundle.js: a sandboxed preload may require
//    'electron' but no relative files (tsc's own dist/preload/preload.js does, so it is not used).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist');
const policyModule = path.join(out, 'main', 'server', 'contentSecurityPolicy.js');

function indexHtml(policy) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${policy}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Parquet Streamer</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="./app.css" />
    <script defer src="./app.js"></script>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;
}

async function buildRenderer() {
  const target = path.join(out, 'renderer');
  await esbuild.build({
    entryPoints: { app: path.join(root, 'renderer', 'main.tsx') },
    outdir: target,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: path.join(root, 'renderer', 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  const { CONTENT_SECURITY_POLICY } = require(policyModule);
  fs.writeFileSync(path.join(target, 'index.html'), indexHtml(CONTENT_SECURITY_POLICY));
  return target;
}

async function buildPreload() {
  const file = path.join(out, 'preload', 'preload.bundle.js');
  await esbuild.build({
    entryPoints: [path.join(root, 'preload', 'preload.ts')],
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    external: ['electron'],
    logLevel: 'warning',
  });
  // tsc's map describes the unbundled file this one replaced
  fs.rmSync(`${file}.map`, { force: true });
  return file;
}

async function main() {
  if (!fs.existsSync(policyModule)) {
    throw new Error(
      `${path.relative(root, policyModule)} is missing: run \`npm run build\` (tsc first)`,
    );
  }
  const [renderer, preload] = await Promise.all([buildRenderer(), buildPreload()]);
  console.log(
    `renderer → ${path.relative(root, renderer)}/, preload → ${path.relative(root, preload)}`,
  );
}

main().catch((error) => {
  console.error(`build-ui: ${error.message}`);
  process.exit(1);
});
