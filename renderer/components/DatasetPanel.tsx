// Choosing the data: a path box with Browse… (the native dialog in Electron, the engine's file
// browser in the dashboard) and Open, a file or folder dropped on the panel (Electron), a demo
// data generator, then the dataset's schema and its first rows exactly as they will be sent.
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { DatasetSummary, ParquetStreamerApi } from '../../main/api/contract';
import { FileBrowser } from '../dataset/FileBrowser';
import type { DatasetChooser } from '../dataset/useDatasetChooser';
import { formatBytes, formatCount } from '../format/units';
import type { RunCommand } from '../state/useEngine';
import { describedBy, Field } from './Field';
import { RowsTable } from './RowsTable';

const PREVIEW_ROWS = 5;

export function DatasetPanel(props: {
  dataset: DatasetSummary | null;
  nativeDialogs: boolean;
  run: RunCommand;
  onDataset: (dataset: DatasetSummary) => void;
  /** the path field, shared with the Stream button */
  chooser: DatasetChooser;
  /** the engine's file browser (the dashboard's Browse…) */
  listFolder: ParquetStreamerApi['listFolder'];
  /** the local path of a dropped file, when the shell can tell it (Electron) */
  pathForFile?: (file: File) => string;
  /** subscribes to the native menu's File > Open…, when there is one */
  onMenuOpen?: (listener: () => void) => () => void;
}) {
  const { run, onDataset, chooser, pathForFile } = props;
  const { path, setPath, error: pathError, setError: setPathError } = chooser;
  const [demoRows, setDemoRows] = useState('200000');
  const [demoError, setDemoError] = useState<string>();
  const [generating, setGenerating] = useState(false);
  const [browsing, setBrowsing] = useState(false);
  const [dropping, setDropping] = useState(false);
  const busy = chooser.opening ? 'open' : generating ? 'demo' : null;
  const pathInput = useRef<HTMLInputElement>(null);

  async function open(chosen?: string) {
    if (!(await chooser.open(chosen))) pathInput.current?.focus();
  }

  async function browse() {
    if (!props.nativeDialogs) {
      setBrowsing(true);
      return;
    }
    const result = await run('pickDataset', {});
    if (result.ok && result.value) await open(result.value);
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDropping(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    const dropped = pathForFile?.(file) ?? '';
    if (dropped) void open(dropped);
    else setPathError('a dropped file has no path here — use Browse… or type the path');
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
    setGenerating(true);
    const result = await run('createDemoDataset', { rows });
    setGenerating(false);
    if (!result.ok) {
      setDemoError(result.error);
      return;
    }
    setPath(result.value.path);
    setPathError(undefined);
    onDataset(result.value);
  }

  return (
    <section
      className={dropping ? 'panel dataset-drop-target' : 'panel'}
      aria-labelledby="dataset-title"
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={drop}
    >
      <h2 id="dataset-title">Dataset</h2>
      <form
        className="row-form"
        onSubmit={(event) => {
          event.preventDefault();
          void open();
        }}
      >
        <Field
          id="dataset-path"
          label="Parquet file or folder"
          error={pathError}
          hint={pathForFile ? 'or drop a file or folder here' : undefined}
        >
          <input
            ref={pathInput}
            {...describedBy(
              'dataset-path',
              pathError,
              pathForFile ? 'or drop a file or folder here' : undefined,
            )}
            type="text"
            value={path}
            placeholder="/data/parking-violations.parquet"
            spellCheck={false}
            onChange={(event) => setPath(event.target.value)}
          />
        </Field>
        <span className="button-row">
          <button type="button" disabled={busy !== null} onClick={() => void browse()}>
            Browse…
          </button>
          <button type="submit" className="primary" disabled={busy !== null}>
            {busy === 'open' ? 'Opening…' : 'Open'}
          </button>
        </span>
      </form>
      {browsing && (
        <FileBrowser
          start={path}
          listFolder={props.listFolder}
          onChoose={(chosen) => {
            setBrowsing(false);
            void open(chosen);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
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
      <RowsTable rows={dataset.preview.slice(0, PREVIEW_ROWS)} columns={columns} />
    </div>
  );
}
