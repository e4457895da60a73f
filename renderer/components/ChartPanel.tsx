// The charts of the output: one card per chart in the engine's order, "Add chart" (a form over
// the fields the chart feed discovered), edit / move / remove per card, and "Export all" — every
// chart and the pipeline's own charts (PNG, SVG, CSV each), a ZIP download in the browser, a
// folder chosen in a dialog in the desktop app.
import { useCallback, useRef, useState } from 'react';
import type { ChartData, ChartSpec, OutputField } from '../../main/api/contract';
import { chartImage, downloadBytes, MIME_TYPES } from '../chart/chartExport';
import { toBase64, uniqueBaseNames } from '../chart/exportFiles';
import { zipStored, type ZipEntry } from '../chart/zipArchive';
import type { Notice, RunCommand } from '../state/useEngine';
import { ChartCard } from './ChartCard';
import { ChartForm } from './ChartForm';
import type { PipelineExport } from './PipelineCharts';

let idCounter = 0;
function newChartId(): string {
  idCounter += 1;
  return `chart-${Date.now().toString(36)}-${idCounter}`;
}

export function ChartPanel(props: {
  charts: ChartSpec[];
  data: Record<string, ChartData>;
  fields: OutputField[];
  /** the desktop app: Export all writes into a folder */
  nativeDialogs: boolean;
  run: RunCommand;
  onCharts: (charts: ChartSpec[]) => void;
  notify: (level: Notice['level'], message: string) => void;
  /** the pipeline's own charts, which "Export all" includes */
  pipelineExports: () => PipelineExport[];
}) {
  const { charts, data, fields, run, onCharts, notify } = props;
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [newId, setNewId] = useState(newChartId);
  const [exporting, setExporting] = useState(false);
  const elements = useRef(new Map<string, HTMLDivElement>());
  const onElement = useCallback((id: string, element: HTMLDivElement | null) => {
    if (element) elements.current.set(id, element);
    else elements.current.delete(id);
  }, []);
  const onError = useCallback((message: string) => notify('error', message), [notify]);
  const baseNames = uniqueBaseNames(charts);

  async function save(next: ChartSpec[]): Promise<boolean> {
    const result = await run('setCharts', { charts: next });
    if (result.ok) onCharts(result.value);
    return result.ok;
  }

  async function saveChart(spec: ChartSpec): Promise<boolean> {
    const exists = charts.some((chart) => chart.id === spec.id);
    const next = exists
      ? charts.map((chart) => (chart.id === spec.id ? spec : chart))
      : [...charts, spec];
    const saved = await save(next);
    if (saved) {
      setEditing(null);
      setNewId(newChartId());
    }
    return saved;
  }

  function move(index: number, by: -1 | 1) {
    const next = [...charts];
    const [chart] = next.splice(index, 1);
    next.splice(index + by, 0, chart!);
    void save(next);
  }

  async function csvOf(spec: ChartSpec): Promise<string | null> {
    const result = await run('chartCsv', { id: spec.id });
    return result.ok ? result.value : null;
  }

  async function exportAll() {
    setExporting(true);
    try {
      const entries: ZipEntry[] = [];
      const encoder = new TextEncoder();
      const pipeline = props.pipelineExports();
      const names = uniqueBaseNames([...charts, ...pipeline]);
      for (const [index, spec] of charts.entries()) {
        const base = names[index]!;
        const element = elements.current.get(spec.id);
        if (element && data[spec.id]) {
          entries.push({ name: `${base}.png`, bytes: await chartImage(element, 'png') });
          entries.push({ name: `${base}.svg`, bytes: await chartImage(element, 'svg') });
        }
        const csv = await csvOf(spec);
        if (csv !== null) entries.push({ name: `${base}.csv`, bytes: encoder.encode(csv) });
      }
      for (const [index, chart] of pipeline.entries()) {
        const base = names[charts.length + index]!;
        for (const format of ['png', 'svg'] as const) {
          const bytes = await chartImage(chart.element, format, chart.height);
          entries.push({ name: `${base}.${format}`, bytes });
        }
        entries.push({ name: `${base}.csv`, bytes: encoder.encode(chart.csv) });
      }
      if (entries.length === 0) {
        notify('error', 'nothing to export yet — start a stream first');
        return;
      }
      if (props.nativeDialogs) {
        const files = entries.map((entry) => ({ name: entry.name, base64: toBase64(entry.bytes) }));
        const result = await run('saveExportFiles', { files });
        if (result.ok && result.value) {
          notify('info', `exported ${files.length} files to ${result.value}`);
        }
      } else {
        downloadBytes(zipStored(entries), 'charts.zip', MIME_TYPES.zip);
      }
    } catch (error) {
      notify('error', `export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setExporting(false);
    }
  }

  const editingSpec = charts.find((chart) => chart.id === editing);
  return (
    <section className="panel panel-wide" aria-labelledby="charts-title">
      <div className="panel-head">
        <h2 id="charts-title">Charts</h2>
        <span className="chart-window">
          {fields.length > 0
            ? `${fields.length} output fields`
            : 'output fields appear once rows arrive'}
        </span>
        <span className="button-row">
          <button
            type="button"
            disabled={fields.length === 0 || editing !== null}
            onClick={() => setEditing('new')}
          >
            Add chart
          </button>
          <button type="button" disabled={exporting} onClick={() => void exportAll()}>
            {exporting ? 'Exporting…' : 'Export all'}
          </button>
        </span>
      </div>
      {editing === 'new' && (
        <ChartForm
          fields={fields}
          newId={newId}
          onSave={saveChart}
          onCancel={() => setEditing(null)}
        />
      )}
      {charts.length === 0 && editing === null && (
        <p className="empty-charts">No charts yet: one is proposed once output rows arrive.</p>
      )}
      <div className="chart-list">
        {charts.map((spec, index) => (
          <div key={spec.id}>
            {editingSpec?.id === spec.id && (
              <ChartForm
                fields={fields}
                editing={spec}
                newId={newId}
                onSave={saveChart}
                onCancel={() => setEditing(null)}
              />
            )}
            <ChartCard
              spec={spec}
              data={data[spec.id]}
              fileBase={baseNames[index]!}
              first={index === 0}
              last={index === charts.length - 1}
              onElement={onElement}
              onCsv={(chart, fileName) =>
                void csvOf(chart).then(
                  (csv) => csv !== null && downloadBytes(csv, fileName, MIME_TYPES.csv),
                )
              }
              onEdit={() => setEditing(spec.id)}
              onMove={(by) => move(index, by)}
              onRemove={() => void save(charts.filter((chart) => chart.id !== spec.id))}
              onError={onError}
            />
          </div>
        ))}
      </div>
    </section>
  );
}
