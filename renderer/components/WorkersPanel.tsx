// The worker pool: a slider (0–16) that scales the running pool, and a table of the worker
// processes as the supervisor reports them.
import { useEffect, useRef } from 'react';
import type { WorkerInfo } from '../../main/api/contract';
import { formatCount } from '../format/units';
import type { RunCommand } from '../state/useEngine';

const SLIDER_MAX = 16;
/** a drag or a held arrow key becomes one scale request after it settles */
const SCALE_DELAY_MS = 300;

export function WorkersPanel(props: {
  workers: WorkerInfo[];
  /** the transform the workers run (the last stream's) */
  transform?: string;
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

  function change(count: number) {
    props.onCountChange(count);
    if (!props.live) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
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
              <th scope="col">Partitions</th>
              <th scope="col" className="number">
                Restarts
              </th>
            </tr>
          </thead>
          <tbody>
            {props.workers.length === 0 && (
              <tr>
                <td colSpan={9} className="empty">
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
