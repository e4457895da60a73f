// `npm run bench -- NAME…`: runs the named benchmarks (all of them without a name) and prints
// their figures. Benchmarks measure; they are not tests and assert nothing.
import { runChartsBench } from './chartsBench';
import { runLatencyBench } from './latencyBench';
import { runProducerBench } from './producerBench';
import { runWorkerBench } from './workerBench';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  producer: runProducerBench,
  worker: runWorkerBench,
  charts: runChartsBench,
  latency: runLatencyBench,
};

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark ${unknown.join(', ')} — choose from: ${Object.keys(BENCHMARKS).join(', ')}\n`,
    );
    return 1;
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    process.stdout.write(`== ${name} ==\n`);
    await BENCHMARKS[name]();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
