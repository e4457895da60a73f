// Choosing the data: a path box with Browse… (native dialog, Electron only) and Open, a demo
// data generator, then the dataset's schema and its first rows exactly as they will be sent.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DatasetSummary } from '../../main/api/contract';
import { formatBytes, formatCell, formatCount } from '../format/units';
import type { RunCommand } from '../state/useEngine';
import { describedBy, Field } from './Field';

const PREVIEW_ROWS = 5;

export function DatasetPanel(props: {
  dataset: DatasetSummary | null;
  nativeDialogs: boolean;
  run: RunCommand;
  onDataset: (dataset: DatasetSummary) => void;
  /** subscribes to the native menu's File > Open…, when there is one */
  onMenuOpen?: (listener: () => void) => () => void;
}) {
  const { run, onDataset } = props;
  const [path, setPath] = useState(props.dataset?.path ?? '');
  const [pathError, setPathError] = useState<string>();
  const [demoRows, setDemoRows] = useState('200000');
  const [demoError, setDemoError] = useState<string>();
  const [busy, setBusy] = useState<'open' | 'demo' | null>(null);
  const pathInput = useRef<HTMLInputElement>(null);

  async function open(chosen: string) {
    setPathError(undefined);
    if (chosen.trim() === '') {
      setPathError('type the path of a Parquet file or folder');
      pathInput.current?.focus();
      return;
    }
    setBusy('open');
    const result = await run('openDataset', { path: chosen.trim() });
    setBusy(null);
    if (result.ok) onDataset(result.value);
    else setPathError(result.error);
  }

  async function browse() {
    const result = await run('pickDataset', {});
    if (result.ok && result.value) {
      setPath(result.value);
      await open(result.value);
    }
  }

  const browseRef = useRef(browse);
  useEffect(() => {
    browseRef.current = browse;
  });
  const { onMenuOpen } = props;
  useEffect(() => onMenuOpen?.(() => void browseRef.current()), [onMenuOpen]);

  async function generateDemo(event: FormEvent) {
    event.preventDefault();
    const rows = Number(demoRows);
    if (!Number.isInteger(rows) || rows < 1 || rows > 50_000_000) {
      setDemoError('rows must be a whole number from 1 to 50,000,000');
      return;
    }
    setDemoError(undefined);
    setBusy('demo');
    const result = await run('createDemoDataset', { rows });
    setBusy(null);
    if (!result.ok) {
      setDemoError(result.error);
      return;
    }
    setPath(result.value.path);
    setPathError(undefined);
    onDataset(result.value);
  }

  return (
    <section className="panel" aria-labelledby="dataset-title">
      <h2 id="dataset-title">Dataset</h2>
      <form
        className="row-form"
        onSubmit={(event) => {
          event.preventDefault();
          void open(path);
        }}
      >
        <Field id="dataset-path" label="Parquet file or folder" error={pathError}>
          <input
            ref={pathInput}
            {...describedBy('dataset-path', pathError)}
            type="text"
            value={path}
            placeholder="/data/parking-violations.parquet"
            spellCheck={false}
            onChange={(event) => setPath(event.target.value)}
          />
        </Field>
        <span className="button-row">
          {props.nativeDialogs && (
            <button type="button" disabled={busy !== null} onClick={() => void browse()}>
              Browse…
            </button>
          )}
          <button type="submit" className="primary" disabled={busy !== null}>
            {busy === 'open' ? 'Opening…' : 'Open'}
          </button>
        </span>
      </form>
      <form className="row-form" onSubmit={(event) => void generateDemo(event)}>
        <Field
          id="demo-rows"
          label="Demo rows"
          error={demoError}
          hint="a synthetic parking-violations file"
        >
          <input
            {...describedBy('demo-rows', demoError, 'a synthetic parking-violations file')}
            type="number"
            inputMode="numeric"
            min={1}
            max={50_000_000}
            step={1}
            value={demoRows}
            onChange={(event) => setDemoRows(event.target.value)}
          />
        </Field>
        <span className="button-row">
          <button type="submit" disabled={busy !== null}>
            {busy === 'demo' ? 'Generating…' : 'Generate demo data'}
          </button>
        </span>
      </form>
      {props.dataset && <DatasetSummaryView dataset={props.dataset} />}
    </section>
  );
}

function DatasetSummaryView({ dataset }: { dataset: DatasetSummary }) {
  const columns = dataset.fields.map((field) => field.name);
  return (
    <div className="dataset-summary" data-testid="dataset-summary">
      <dl className="facts">
        <div>
          <dt>Path</dt>
          <dd>
            <code>{dataset.path}</code>
          </dd>
        </div>
        <div>
          <dt>Rows</dt>
          <dd>{formatCount(dataset.rows)}</dd>
        </div>
        <div>
          <dt>Files</dt>
          <dd>{formatCount(dataset.files)}</dd>
        </div>
        <div>
          <dt>Row groups</dt>
          <dd>{formatCount(dataset.rowGroups)}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(dataset.sizeBytes)}</dd>
        </div>
      </dl>
      <details>
        <summary>Schema ({dataset.fields.length} columns)</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Type</th>
                <th scope="col">Nullable</th>
              </tr>
            </thead>
            <tbody>
              {dataset.fields.map((field) => (
                <tr key={field.name}>
                  <td>{field.name}</td>
                  <td>
                    <code>{field.type}</code>
                  </td>
                  <td>{field.nullable ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <h3>First rows, as sent</h3>
      <div className="table-scroll">
        <table className="preview">
          <thead>
            <tr>
              {columns.map((name) => (
                <th key={name} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dataset.preview.slice(0, PREVIEW_ROWS).map((row, index) => (
              <tr key={index}>
                {columns.map((name) => (
                  <td key={name}>{formatCell(row[name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
