// One live chart: the Plotly figure drawn from what the chart feed computed, the rows in its
// window, export buttons (PNG, SVG, CSV) and the buttons that edit, move and remove it. The chart
// element exposes its type and series names (data-series) for tests and screen readers; its fixed
// size and containment keep Plotly's redraws from relaying out the rest of the page.
import { useEffect, useMemo, useRef } from 'react';
import * as Plotly from 'plotly.js-dist-min';
import type { ChartData, ChartSpec } from '../../main/api/contract';
import { chartImage, downloadBytes, MIME_TYPES, type ImageFormat } from '../chart/chartExport';
import { forgetDrawing, scheduleDraw, useElementWidth } from '../chart/drawQueue';
import { CHART_HEIGHT, plotFigure } from '../chart/plotFigure';
import { useChartTheme } from '../chart/chartTheme';
import { formatCount } from '../format/units';

const config: Partial<Plotly.Config> = {
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'],
};

function windowText(spec: ChartSpec, data: ChartData | undefined): string {
  const window =
    'rows' in spec.window
      ? `last ${formatCount(spec.window.rows)} rows`
      : `last ${formatCount(spec.window.seconds)} s`;
  if (!data) return window;
  return `${window} · ${formatCount(data.windowRows)} in window · ${formatCount(data.rowsSeen)} seen`;
}

export function ChartCard(props: {
  spec: ChartSpec;
  data: ChartData | undefined;
  fileBase: string;
  first: boolean;
  last: boolean;
  /** the drawn chart element, for "Export all" (null when it goes) */
  onElement: (id: string, element: HTMLDivElement | null) => void;
  onCsv: (spec: ChartSpec, fileName: string) => void;
  onEdit: () => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  onError: (message: string) => void;
}) {
  const { spec, data, onError, onElement } = props;
  const element = useRef<HTMLDivElement>(null);
  const theme = useChartTheme();
  const width = useElementWidth(element);
  const figure = useMemo(() => plotFigure(spec, data, theme), [spec, data, theme]);
  const hasData = figure.traces.length > 0;

  useEffect(() => {
    const target = element.current;
    if (!target || width === undefined) return;
    scheduleDraw(target, {
      traces: figure.traces,
      layout: { ...figure.layout, width },
      config,
      onError: (error) => onError(`the chart ${spec.title} could not be drawn: ${String(error)}`),
    });
  }, [figure, width, spec.title, onError]);

  useEffect(() => {
    const target = element.current;
    onElement(spec.id, target);
    return () => {
      onElement(spec.id, null);
      if (!target) return;
      forgetDrawing(target);
      Plotly.purge(target);
    };
  }, [spec.id, onElement]);

  function exportImage(format: ImageFormat) {
    const target = element.current;
    if (!target) return;
    chartImage(target, format).then(
      (bytes) => downloadBytes(bytes, `${props.fileBase}.${format}`, MIME_TYPES[format]),
      (error: unknown) => onError(`${format.toUpperCase()} export failed: ${String(error)}`),
    );
  }

  return (
    <article className="chart-card" aria-label={spec.title} data-chart-id={spec.id}>
      <div className="chart-card-head">
        <span className="chart-window">{windowText(spec, data)}</span>
        <span className="button-row" role="group" aria-label={`Export ${spec.title}`}>
          <button type="button" disabled={!hasData} onClick={() => exportImage('png')}>
            PNG
          </button>
          <button type="button" disabled={!hasData} onClick={() => exportImage('svg')}>
            SVG
          </button>
          <button
            type="button"
            disabled={!data}
            onClick={() => props.onCsv(spec, `${props.fileBase}.csv`)}
          >
            CSV
          </button>
        </span>
        <span className="button-row" role="group" aria-label={`Arrange ${spec.title}`}>
          <button type="button" onClick={props.onEdit}>
            Edit
          </button>
          <button
            type="button"
            disabled={props.first}
            onClick={() => props.onMove(-1)}
            aria-label={`Move ${spec.title} up`}
          >
            ↑
          </button>
          <button
            type="button"
            disabled={props.last}
            onClick={() => props.onMove(1)}
            aria-label={`Move ${spec.title} down`}
          >
            ↓
          </button>
          <button type="button" onClick={props.onRemove} aria-label={`Remove ${spec.title}`}>
            Remove
          </button>
        </span>
      </div>
      <div
        ref={element}
        className="chart"
        style={{ height: CHART_HEIGHT, contain: 'strict' }}
        data-testid={`chart-${spec.id}`}
        data-type={spec.type}
        data-series={figure.seriesNames.join(',')}
        data-rows-seen={data?.rowsSeen ?? 0}
        data-newest-source-row={data?.newestSourceRow}
        role="figure"
        aria-label={`${spec.title}${hasData ? ': ' + figure.seriesNames.join(', ') : ''}`}
      />
    </article>
  );
}
