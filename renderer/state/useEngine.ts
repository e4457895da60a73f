// The page's view of the engine: the snapshot fetched at start, kept current by pushed events and
// command results, plus the notice list. `run` calls a command and turns a failure into a notice.
import { useCallback, useEffect, useState } from 'react';
import type {
  CommandArgs,
  CommandFailure,
  CommandName,
  CommandResults,
  Snapshot,
} from '../../main/api/contract';
import type { RendererApi } from '../api/connectApi';
import { CommandError } from '../api/engineApi';
import { addNotice, type Notice } from './notices';

export type { Notice } from './notices';

export type RunResult<C extends CommandName> =
  { ok: true; value: CommandResults[C] } | CommandFailure;

export type RunCommand = <C extends CommandName>(
  command: C,
  args: CommandArgs<C>,
) => Promise<RunResult<C>>;

/** info notices leave by themselves; errors stay until dismissed or replaced */
const INFO_NOTICE_MS = 8_000;
let noticeCounter = 0;

export function useEngine(api: RendererApi) {
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);

  const notify = useCallback((level: Notice['level'], message: string) => {
    const notice: Notice = { id: ++noticeCounter, level, message, at: new Date() };
    setNotices((list) => addNotice(list, notice));
    if (level === 'info') {
      setTimeout(
        () => setNotices((list) => list.filter((item) => item.id !== notice.id)),
        INFO_NOTICE_MS,
      );
    }
  }, []);

  const dismiss = useCallback((id: number) => {
    setNotices((list) => list.filter((notice) => notice.id !== id));
  }, []);

  const update = useCallback((patch: Partial<Snapshot>) => {
    setSnapshot((current) => (current ? { ...current, ...patch } : current));
  }, []);

  useEffect(() => {
    // events that arrive before the snapshot are newer than it: keep them
    let early: Partial<Snapshot> | null = {};
    const apply = (patch: Partial<Snapshot>) => {
      if (early) Object.assign(early, patch);
      else update(patch);
    };
    const unsubscribe = [
      api.on('brokerStatus', (broker) => apply({ broker })),
      api.on('streamProgress', (stream) => apply({ stream })),
      api.on('workers', (workers) => apply({ workers })),
      api.on('committed', (committed) => apply({ committed })),
      api.on('chartSpecs', (charts) => apply({ charts })),
      api.on('outputFields', (outputFields) => apply({ outputFields })),
      api.on('pipelineRates', (pipelineRates) => apply({ pipelineRates })),
      api.on('chartData', ({ id, data }) => {
        if (early) early.chartData = { ...early.chartData, [id]: data };
        else
          setSnapshot((current) =>
            current ? { ...current, chartData: { ...current.chartData, [id]: data } } : current,
          );
      }),
      api.on('notice', ({ level, message }) => notify(level, message)),
    ];
    let active = true;
    api.getSnapshot({}).then(
      (loaded) => {
        if (!active) return;
        const chartData = { ...loaded.chartData, ...early?.chartData };
        setSnapshot({ ...loaded, ...early, chartData });
        early = null;
      },
      (error: unknown) => notify('error', error instanceof Error ? error.message : String(error)),
    );
    return () => {
      active = false;
      for (const off of unsubscribe) off();
    };
  }, [api, notify, update]);

  const run: RunCommand = useCallback(
    async <C extends CommandName>(command: C, args: CommandArgs<C>): Promise<RunResult<C>> => {
      // each command name maps to its own method; TypeScript cannot follow that correlation
      const call = api[command] as unknown as (args: CommandArgs<C>) => Promise<CommandResults[C]>;
      try {
        return { ok: true, value: await call(args) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        notify('error', message);
        const field = error instanceof CommandError ? error.field : undefined;
        return field ? { ok: false, error: message, field } : { ok: false, error: message };
      }
    },
    [api, notify],
  );

  return { snapshot, notices, notify, dismiss, update, run };
}
