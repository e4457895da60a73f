// StrykerJS mutation testing over one module group at a time (`npm run mutate -- <group>`):
// the group's sources are mutated, the project is compiled once, and the group's compiled unit
// tests run against each mutant, each file in one plain `node` process, stopping at the first
// failing file. One mutant at a time: the machine is shared. `codec` covers the codec's 64-bit
// integer and decimal formatting (the nested encoder's and the row writer's), where a wrong
// boundary loses digits past 2^53; `codec-all` is every line of the three codec files, a run of
// hours. `transform` is the transform language's steps: filter conditions, the row steps and the
// window aggregates; `transform-all` adds the expression lexer, parser, evaluator and functions
// and spec validation (1,734 mutants, hours on a busy machine: its lexer's mutants loop until
// they time out, so these two groups wait 2 s, not 5, past the dry run).
const CODEC_FILES = [
  'main/parquet/jsonEncoders.ts',
  'main/parquet/jsonRowWriter.ts',
  'main/parquet/temporalText.ts',
];
// the aggregates are exercised through the window operator's tests as well as their own
const TRANSFORM_STEP_TESTS = [
  'transformSteps',
  'transformStepEdges',
  'windowOperatorAggregates',
  'windowOperator',
  'windowOperatorRestore',
];
const GROUPS = {
  codec: {
    mutate: [
      'main/parquet/jsonEncoders.ts:155-172',
      'main/parquet/jsonEncoders.ts:208-246',
      'main/parquet/jsonRowWriter.ts:299-351',
    ],
    tests: ['codecTypes'],
  },
  'codec-all': { mutate: CODEC_FILES, tests: ['codecTypes', 'parquetCorpus'] },
  partitioners: {
    mutate: ['main/producer/partitioners.ts', 'main/producer/murmur2.ts'],
    tests: ['partitioner'],
  },
  pacers: {
    mutate: ['main/producer/ratePacer.ts', 'main/producer/eventTimePacer.ts'],
    tests: ['pacer'],
  },
  transform: {
    mutate: [
      'main/pipelines/conditions.ts',
      'main/pipelines/rowSteps.ts',
      'main/pipelines/windowAggregates.ts',
    ],
    tests: TRANSFORM_STEP_TESTS,
    timeoutMS: 2_000,
  },
  'transform-all': {
    mutate: [
      'main/pipelines/expression/*.ts',
      'main/pipelines/conditions.ts',
      'main/pipelines/rowSteps.ts',
      'main/pipelines/validateTransform.ts',
      'main/pipelines/windowAggregates.ts',
    ],
    tests: ['transformExpression', 'transformValidation', ...TRANSFORM_STEP_TESTS],
    timeoutMS: 2_000,
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
    command: group.tests.map((test) => `node dist/test/unit/${test}.test.js`).join(' && '),
  },
  buildCommand: 'tsc -p tsconfig.json',
  mutate: group.mutate,
  coverageAnalysis: 'off',
  concurrency: 1,
  timeoutMS: group.timeoutMS ?? 5_000,
  ignorePatterns: ['dist', 'out', '.bench-data', 'test-results', 'reports', '.stryker-tmp'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
