// StrykerJS mutation testing over one module group at a time (`npm run mutate -- <group>`):
// the group's sources are mutated, the project is compiled once, and the group's compiled unit
// tests run against each mutant. One mutant at a time: the machine is shared.
const GROUPS = {
  codec: {
    mutate: [
      'main/parquet/jsonEncoders.ts',
      'main/parquet/jsonRowWriter.ts',
      'main/parquet/temporalText.ts',
    ],
    tests: ['codecTypes', 'parquetCorpus'],
  },
  partitioners: {
    mutate: ['main/producer/partitioners.ts', 'main/producer/murmur2.ts'],
    tests: ['partitioner'],
  },
  pacers: {
    mutate: ['main/producer/ratePacer.ts', 'main/producer/eventTimePacer.ts'],
    tests: ['pacer'],
  },
};

const name = process.env.PS_MUTATE_GROUP ?? '';
const group = GROUPS[name];
if (!group) {
  throw new Error(
    `error: PS_MUTATE_GROUP "${name}" is not one of ${Object.keys(GROUPS).join(', ')}`,
  );
}

export default {
  testRunner: 'command',
  commandRunner: {
    command: `node --test ${group.tests.map((test) => `dist/test/unit/${test}.test.js`).join(' ')}`,
  },
  buildCommand: 'tsc -p tsconfig.json',
  mutate: group.mutate,
  coverageAnalysis: 'off',
  concurrency: 1,
  timeoutMS: 5_000,
  ignorePatterns: ['dist', 'out', '.bench-data', 'test-results', 'reports', '.stryker-tmp'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
