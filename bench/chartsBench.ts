// `npm run bench -- charts`: the live charts end to end. The 1M-row demo file streams at 50,000
// rows/s through 2 workers (nyc-parking-boroughs) while the dashboard runs in headless Chromium
// with the seed's box plot, a histogram and the throughput chart open. It reports:
//   updates per second the page receives per chart (WebSocket frames, counted by Playwright);
//   the page's frame times while updating (requestAnimationFrame deltas: p50, p95, p99);
//   produce→render latency (p50, p99): when Plotly has drawn a chart (plotly_afterplot), the
//     newest source.row it includes (data-newest-source-row) is looked up in the input topic,
//     whose record timestamps the producer stamped when it sent each row;
//   and, from the output records' timestamps (the worker's), the part after the workers, and
//     the latency of the draws after the first 10 s (a stream's cold start apart);
//   main-process CPU: the whole process, and the chart feed's share of a CPU profile of the
//     main thread (main/charts: its windows and figures; its consumer runs in a thread of its
//     own, counted in the whole process).
// A missed frame-time target prints where the page's time goes; a missed latency target, where
// the main thread's time goes. The browser runs from a child process (chartsPage.ts), so the
// engine measured here runs without Playwright's async hooks, as in the app.
import { fork, type ChildProcess } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ChartSpec, StreamProgress, WorkerInfo } from '../main/api/contract';
import { StreamEngine } from '../main/api/streamEngine';
import { startDashboardServer } from '../main/server/dashboardServer';
import { builtRendererDir } from '../main/server/staticFiles';
import { createLogger } from '../main/shared/logger';
import { benchBroker } from './benchBroker';
import type { PageAnswer, PageCommand, PageFigures } from './chartsPage';
import { BENCH_DATA_DIR, demoDataset } from './benchDatasets';
import { rowStamps } from './benchTopics';
import { figure, fmt, line, percentile } from './benchOutput';
import { summariseCpuProfile } from './cpuProfileSummary';

const ROWS = 1_000_000;
const RATE = 50_000;
const WORKERS = 2;
const TARGET_UPDATES = 10;
const TARGET_P95_FRAME_MS = 50;
const TARGET_P99_LATENCY_MS = 250;
/** the latency is also given for the draws after this much of the stream */
const WARM_AFTER_MS = 10_000;
/** how long to keep measuring after the producer is done while the workers catch up */
const DRAIN_LIMIT_MS = 60_000;

const HISTOGRAM: ChartSpec = {
  id: 'bench-histogram',
  type: 'histogram',
  title: 'Temperatures',
  x: 'Temperature',
  window: { rows: 1000 },
};

/** Sends the page process one command and waits for its answer. */
function ask(page: ChildProcess, command: PageCommand): Promise<PageFigures | undefined> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error(`the page process ended during ${command.cmd}`));
    page.once('exit', onExit);
    page.once('message', (reply: PageAnswer) => {
      page.off('exit', onExit);
      if (reply.ok) resolve(reply.figures);
      else reject(new Error(`the page process failed to ${command.cmd}: ${reply.error}`));
    });
    page.send(command);
  });
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function runChartsBench(): Promise<void> {
  const file = await demoDataset(ROWS);
  const broker = await benchBroker();
  const appDataDir = await mkdtemp(path.join(tmpdir(), 'ps-bench-charts-'));
  const logger = createLogger('bench', () => undefined);
  const engine = new StreamEngine({ appDataDir, brokers: broker.brokers, logger });
  const server = await startDashboardServer({
    host: engine,
    port: Number(process.env.PS_BENCH_PORT ?? 0),
    staticDir: builtRendererDir(),
    logger,
  });
  const page = fork(path.join(__dirname, 'chartsPage.js'), { stdio: 'inherit' });
  try {
    line(`broker: ${broker.description}`);
    line(`${fmt(ROWS)} demo rows at ${fmt(RATE)} rows/s through ${WORKERS} workers\n`);
    await ask(page, { cmd: 'open', url: server.url });

    let progress: StreamProgress | null = null;
    let workers: WorkerInfo[] = [];
    engine.subscribe((event, payload) => {
      if (event === 'streamProgress') progress = payload as StreamProgress;
      if (event === 'workers') workers = payload as WorkerInfo[];
    });
    const suffix = Date.now().toString(36);
    const inputTopic = `bench-charts-in-${suffix}`;
    const outputTopic = `bench-charts-out-${suffix}`;
    await engine.handlers.startStream({
      path: file,
      inputTopic,
      outputTopic,
      partitions: 4,
      workers: WORKERS,
      ratePerSecond: RATE,
      transform: 'nyc-parking-boroughs',
    });
    const { charts } = await engine.handlers.getSnapshot({});
    await engine.handlers.setCharts({ charts: [...charts, HISTOGRAM] });

    await ask(page, { cmd: 'start' });
    const main = new Session();
    main.connect();
    await main.post('Profiler.enable');
    await main.post('Profiler.start');
    const cpuBefore = process.cpuUsage();
    const started = Date.now();

    // until the producer is done and the workers have consumed every row (or the drain limit)
    let doneAt: number | null = null;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const state = (progress as StreamProgress | null)?.state;
      if (state === 'failed') throw new Error(`the stream failed: ${progress!.detail}`);
      if (state !== 'done') continue;
      doneAt ??= Date.now();
      const consumed = workers.reduce((sum, worker) => sum + worker.rowsIn, 0);
      if (consumed >= progress!.rowsAcked || Date.now() - doneAt > DRAIN_LIMIT_MS) break;
    }

    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const profileDir = path.join(BENCH_DATA_DIR, 'profiles');
    await mkdir(profileDir, { recursive: true });
    const mainFile = path.join(profileDir, `charts-main-${suffix}.cpuprofile`);
    const pageFile = path.join(profileDir, `charts-page-${suffix}.cpuprofile`);
    const measured = (await ask(page, { cmd: 'stop', profile: pageFile }))!;
    const { profile: mainProfile } = await main.post('Profiler.stop');
    main.disconnect();
    await writeFile(mainFile, JSON.stringify(mainProfile));

    line(`measured ${seconds.toFixed(1)} s (stream start to the workers' last row)`);
    for (const [chart, count] of Object.entries(measured.updates).sort()) {
      const perSecond = count / seconds;
      figure(
        `updates received, ${chart}`,
        `${perSecond.toFixed(1)}/s (${count})`,
        perSecond <= TARGET_UPDATES,
        `≤ ${TARGET_UPDATES}/s per chart`,
      );
    }

    const frames = measured.frames;
    const p95Frame = percentile(frames, 95);
    figure('frames', `${fmt(frames.length)} (${(frames.length / seconds).toFixed(1)}/s)`);
    figure('frame time p50', ms(percentile(frames, 50)));
    figure(
      'frame time p95',
      ms(p95Frame),
      p95Frame < TARGET_P95_FRAME_MS,
      `< ${TARGET_P95_FRAME_MS} ms`,
    );
    figure('frame time p99', ms(percentile(frames, 99)));

    const draws = measured.draws.filter((draw) => draw.row !== null && draw.chart !== null);
    const wanted = new Set(draws.map((draw) => draw.row!));
    // the producer's stamp (input record timestamp) and the worker's (output record timestamp)
    const stamps = (topic: string) => rowStamps(broker.brokers, topic, (row) => wanted.has(row));
    const producedAt = await stamps(inputTopic);
    const outputAt = await stamps(outputTopic);
    const since = (stamp: Map<number, number>, of = draws) =>
      of.filter((draw) => stamp.has(draw.row!)).map((draw) => draw.at - stamp.get(draw.row!)!);
    // every draw with its stamps, for a look at when in the stream the slow ones were
    await writeFile(
      path.join(profileDir, `charts-draws-${suffix}.json`),
      JSON.stringify(
        draws.map((draw) => ({
          ...draw,
          sinceStart: draw.at - started,
          produced: producedAt.get(draw.row!),
          output: outputAt.get(draw.row!),
        })),
      ),
    );
    const latencies = since(producedAt);
    const chartPath = since(outputAt);
    const p99Latency = percentile(latencies, 99);
    figure('draws of the output charts', fmt(draws.length));
    figure('produce→render latency p50', ms(percentile(latencies, 50)));
    figure(
      'produce→render latency p99',
      ms(p99Latency),
      p99Latency < TARGET_P99_LATENCY_MS,
      `< ${TARGET_P99_LATENCY_MS} ms`,
    );
    figure(
      '  of which worker output→render (chart feed, WebSocket, Plotly) p50 / p99',
      `${ms(percentile(chartPath, 50))} / ${ms(percentile(chartPath, 99))}`,
    );
    // the first seconds of a stream (fresh workers, their first transactions) apart from the rest
    const warm = draws.filter((draw) => draw.at - started >= WARM_AFTER_MS);
    const warmLatencies = since(producedAt, warm);
    figure(
      `  draws after the first ${WARM_AFTER_MS / 1000} s (${fmt(warm.length)}): p50 / p99`,
      `${ms(percentile(warmLatencies, 50))} / ${ms(percentile(warmLatencies, 99))}`,
    );

    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    figure(
      'main process CPU (all threads: producer, engine, chart feed)',
      `${cpuSeconds.toFixed(1)} CPU-s, ${((100 * cpuSeconds) / seconds).toFixed(0)}% of a core`,
    );
    // the profile samples wall time on the main thread: its shares split the process's CPU
    // only as an estimate (the producer's delivery threads are not in it)
    const mainShares = summariseCpuProfile(mainFile, 10);
    const share = (name: string) =>
      mainShares.owners.find((owner) => owner.name.startsWith(name))?.percent ?? 0;
    const busy = 100 - share('idle');
    const feed = share('chart feed');
    figure(
      'chart feed (main/charts) on the main thread',
      `${((100 * feed) / busy).toFixed(0)}% of its busy samples, ` +
        `≈ ${((feed / busy) * cpuSeconds).toFixed(1)} CPU-s at most`,
    );

    if (!(p95Frame < TARGET_P95_FRAME_MS)) printProfile('the page', pageFile);
    if (!(p99Latency < TARGET_P99_LATENCY_MS)) printProfile('the main thread', mainFile);
  } finally {
    await ask(page, { cmd: 'close' }).catch(() => page.kill());
    await server.close();
    await engine.close();
    await broker.stop();
    await rm(appDataDir, { recursive: true, force: true });
  }
}

function printProfile(where: string, file: string): void {
  const { owners, functions } = summariseCpuProfile(file, 10);
  line(`\nwhere ${where}'s time goes (${file}):`);
  for (const owner of owners.slice(0, 8))
    line(`  ${owner.percent.toFixed(1).padStart(5)}%  ${owner.name}`);
  line('  busiest functions:');
  for (const fn of functions) line(`  ${fn.percent.toFixed(1).padStart(5)}%  ${fn.name}`);
}
