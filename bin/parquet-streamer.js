#!/usr/bin/env node
// Entry of the `parquet-streamer` command; the code lives in dist/ (built by `npm run build`,
// which `npm install` runs through the prepare script).
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'main', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error(
    'error: parquet-streamer is not built — run `npm run build` in ' + path.dirname(__dirname),
  );
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
