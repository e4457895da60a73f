// The charts bench's browser side, in a child process of its own: headless Chromium on the
// dashboard, driven by Playwright. Playwright keeps async hooks on in the process it runs in,
// which make every promise dearer; in the bench's own process they slowed the engine it
// measures. The parent (chartsBench.ts) sends one command at a time and gets one answer:
//   open {url}     the page, instrumented before its scripts run, until the dashboard shows
//   start          counting WebSocket updates per chart, frame times and draws; CPU profile on
//   stop {profile} the figures, the page's CPU profile written to `profile`
//   close          the browser, then this process exits
import { writeFile } from 'node:fs/promises';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import type { EventName } from '../main/api/contract';

/** Runs in the page before its scripts: frame deltas and every chart draw, while measuring. */
const INSTRUMENT = `
window.__bench = { measuring: false, frames: [], draws: [] };
(function frame(last) {
  requestAnimationFrame((now) => {
    if (window.__bench.measuring && last !== undefined) window.__bench.frames.push(now - last);
    frame(now);
  });
})();
const hooked = new WeakSet();
new MutationObserver(() => {
  for (const element of document.querySelectorAll('.js-plotly-plot')) {
    if (hooked.has(element) || typeof element.on !== 'function') continue;
    hooked.add(element);
    element.on('plotly_afterplot', () => {
      if (!window.__bench.measuring) return;
      const row = element.getAttribute('data-newest-source-row');
      window.__bench.draws.push({
        chart: element.getAttribute('data-testid'),
        at: performance.timeOrigin + performance.now(),
        row: row === null ? null : Number(row),
      });
    });
  }
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
`;

export type PageCommand =
  | { cmd: 'open'; url: string }
  | { cmd: 'start' }
  | { cmd: 'stop'; profile: string }
  | { cmd: 'close' };

export interface PageFigures {
  /** WebSocket updates received per chart id */
  updates: Record<string, number>;
  frames: number[];
  draws: { chart: string; at: number; row: number | null }[];
}

export type PageAnswer = { ok: true; figures?: PageFigures } | { ok: false; error: string };

let browser: Browser | null = null;
let page: Page | null = null;
let cdp: CDPSession | null = null;
let counting = false;
const updates: Record<string, number> = {};

async function open(url: string): Promise<void> {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(INSTRUMENT);
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if (!counting) return;
      const message = JSON.parse(payload.toString()) as { event?: EventName; payload?: unknown };
      const chart =
        message.event === 'chartData'
          ? (message.payload as { id: string }).id
          : message.event === 'pipelineRates'
            ? 'pipeline-throughput'
            : null;
      if (chart) updates[chart] = (updates[chart] ?? 0) + 1;
    }),
  );
  await page.goto(url);
  await page.getByText('Broker: external cluster').waitFor({ timeout: 120_000 });
}

async function start(): Promise<void> {
  cdp = await page!.context().newCDPSession(page!);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  counting = true;
  await page!.evaluate('window.__bench.measuring = true');
}

async function stop(profileFile: string): Promise<PageFigures> {
  await page!.evaluate('window.__bench.measuring = false');
  counting = false;
  const { profile } = await cdp!.send('Profiler.stop');
  await writeFile(profileFile, JSON.stringify(profile));
  const measured = (await page!.evaluate('window.__bench')) as Omit<PageFigures, 'updates'>;
  return { updates, frames: measured.frames, draws: measured.draws };
}

async function answer(command: PageCommand): Promise<PageAnswer> {
  switch (command.cmd) {
    case 'open':
      await open(command.url);
      return { ok: true };
    case 'start':
      await start();
      return { ok: true };
    case 'stop':
      return { ok: true, figures: await stop(command.profile) };
    case 'close':
      await browser?.close();
      return { ok: true };
  }
}

process.on('message', (command: PageCommand) => {
  answer(command).then(
    (reply) => {
      process.send!(reply);
      if (command.cmd === 'close') process.disconnect();
    },
    (error: unknown) => process.send!({ ok: false, error: String(error) }),
  );
});

// the bench ended (or failed): no browser is left behind
process.on('disconnect', () => {
  void (browser?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
