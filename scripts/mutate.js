// `npm run mutate -- <group>`: StrykerJS over one module group (codec, codec-all, partitioners,
// pacers, transform, transform-all; see stryker.config.mjs). The Parquet corpus is passed by
// path, as the sandbox is not a checkout.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const group = process.argv[2];
if (!group) {
  console.error(
    'error: name a module group — npm run mutate -- codec|codec-all|partitioners|pacers|transform|transform-all',
  );
  process.exit(2);
}
const root = path.resolve(__dirname, '..');
const corpus = path.resolve(root, '..', 'shared', 'parquet-corpus');
const env = { ...process.env, PS_MUTATE_GROUP: group };
if (!env.PS_PARQUET_CORPUS && existsSync(corpus)) env.PS_PARQUET_CORPUS = corpus;
const stryker = path.join(root, 'node_modules', '.bin', 'stryker');
const result = spawnSync(stryker, ['run', 'stryker.config.mjs'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
