// The worker pool: a slider (0–16) that scales the running pool, and a table of the worker
// processes as the supervisor reports them, with each one's current rows/s and lag; above it the
// group's committed totals, which agree with the output topic after any crash.
import { useEffect, useRef } from 'react';
import {
  workerRates,
  type CommittedTotals,
  type PipelineRates,
  type WorkerInfo,
} from '../../main/api/contract';
import { formatCount } from '../format/units';
import type { RunCommand } from '../state/useEngine';

const SLIDER_MAX = 16;
/** a drag or a held arrow key becomes one scale request (and one save) after it settles */
const SCALE_DELAY_MS = 300;

const formatOptional = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : formatCount(value);

export function WorkersPanel(props: {
  workers: WorkerInfo[];
  /** the transform the workers run (the last stream's) */
  transform?: string;
  /** the group's committed totals (they survive a worker's crash; the rows below do not) */
  committed: CommittedTotals | null;
  /** the pipeline's rates: each worker's rows/s and the lag of its partitions */
  rates: PipelineRates;
  count: number;
  onCountChange: (count: number) => void;
  /** true while a stream or its workers run: moving the slider scales the pool */
  live: boolean;
  run: RunCommand;
  onWorkers: (workers: WorkerInfo[]) => void;
}) {
  const { run, onWorkers } = props;
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const current = workerRates(props.rates, props.workers);

  function change(count: number) {
    props.onCountChange(count);
    clearTimeout(timer.current);
    const live = props.live;
    timer.current = setTimeout(() => {
      void run('saveSettings', { workers: count });
      if (!live) return;
      void run('scaleWorkers', { count }).then((result) => {
        if (result.ok) onWorkers(result.value);
      });
    }, SCALE_DELAY_MS);
  }

  return (
    <section className="panel panel-wide" aria-labelledby="workers-title">
      <h2 id="workers-title">Workers</h2>
      <div className="slider-row">
        <label htmlFor="worker-slider">Worker processes</label>
        <input
          id="worker-slider"
          type="range"
          min={0}
          max={SLIDER_MAX}
          step={1}
          value={Math.min(props.count, SLIDER_MAX)}
          aria-describedby="worker-slider-hint"
          onChange={(event) => change(Number(event.target.value))}
        />
        <output htmlFor="worker-slider" className="slider-value">
          {props.count}
        </output>
        <small id="worker-slider-hint" className="field-hint">
          {props.live ? 'scales the running pool' : 'used when the next stream starts'}
        </small>
      </div>
      {props.transform && (
        <p className="field-hint" data-testid="workers-transform">
          Transform: <code>{props.transform}</code>
        </p>
      )}
      {props.committed && (
        <p className="field-hint" data-testid="workers-committed">
          Committed by the group: {formatCount(props.committed.rowsIn)} rows in ·{' '}
          {formatCount(props.committed.rowsOut)} out · {formatCount(props.committed.rowsDropped)}{' '}
          dropped (the rows per worker below count each process since it started)
        </p>
      )}
      <div className="table-scroll">
        <table className="workers" data-testid="workers-table">
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">PID</th>
              <th scope="col">Port</th>
              <th scope="col">Data dir</th>
              <th scope="col">State</th>
              <th scope="col" className="number">
                Rows in
              </th>
              <th scope="col" className="number">
                Rows out
              </th>
              <th scope="col" className="number">
                Rows/s
              </th>
              <th scope="col" className="number">
                Lag
              </th>
              <th scope="col">Partitions</th>
              <th scope="col" className="number">
                Restarts
              </th>
            </tr>
          </thead>
          <tbody>
            {props.workers.length === 0 && (
              <tr>
                <td colSpan={11} className="empty">
                  No workers running.
                </td>
              </tr>
            )}
            {props.workers.map((worker) => (
              <tr key={worker.id}>
                <td>{worker.id}</td>
                <td>{worker.pid ?? '—'}</td>
                <td>{worker.host ? `${worker.host}:${worker.port}` : worker.port}</td>
                <td>
                  <code>{worker.dataDir}</code>
                </td>
                <td>
                  <span className={`badge badge-worker-${worker.state}`}>{worker.state}</span>
                </td>
                <td className="number">{formatCount(worker.rowsIn)}</td>
                <td className="number">{formatCount(worker.rowsOut)}</td>
                <td className="number" data-column="rate">
                  {formatOptional(current.get(worker.id)?.rowsPerSecond)}
                </td>
                <td className="number" data-column="lag">
                  {formatOptional(current.get(worker.id)?.lag)}
                </td>
                <td>{worker.partitions.length > 0 ? worker.partitions.join(', ') : '—'}</td>
                <td className="number">{worker.restarts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
