// The live box plot of temperature by borough over the chart feed's rolling window, with PNG,
// SVG and CSV export. The chart element exposes which boroughs have data (data-boroughs).
import { useEffect, useRef } from 'react';
import * as Plotly from 'plotly.js-dist-min';
import type { BoxPlotData } from '../../main/api/contract';
import { boroughsWithData, boxPlotCsv } from '../chart/boxPlotSeries';
import { formatCount } from '../format/units';

const FILE_NAME = 'temperature-by-borough';
const HEIGHT = 420;
const COLORS: Record<string, string> = {
  Bronx: '#4c78a8',
  Brooklyn: '#f58518',
  Manhattan: '#54a24b',
  Queens: '#b279a2',
  'Staten Island': '#e45756',
};

const baseLayout: Partial<Plotly.Layout> = {
  height: HEIGHT,
  margin: { l: 64, r: 16, t: 16, b: 48 },
  showlegend: false,
  paper_bgcolor: '#ffffff',
  plot_bgcolor: '#ffffff',
  font: { family: 'system-ui, sans-serif', size: 13 },
  yaxis: { title: { text: 'Temperature (°F)' }, zeroline: false, gridcolor: '#e6e8eb' },
  xaxis: { title: { text: 'Borough' } },
};

const config: Partial<Plotly.Config> = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ['select2d', 'lasso2d'],
};

function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ChartPanel(props: { chart: BoxPlotData; onError: (message: string) => void }) {
  const { chart, onError } = props;
  const element = useRef<HTMLDivElement>(null);
  const boroughs = boroughsWithData(chart.series);
  const hasData = boroughs.length > 0;

  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const traces: Partial<Plotly.BoxPlotData>[] = boroughsWithData(chart.series).map((name) => ({
      type: 'box',
      name,
      y: chart.series[name] ?? [],
      boxpoints: false,
      marker: { color: COLORS[name] ?? '#72777d' },
    }));
    const layout: Partial<Plotly.Layout> =
      traces.length > 0
        ? baseLayout
        : {
            ...baseLayout,
            xaxis: { visible: false },
            yaxis: { visible: false },
            annotations: [
              {
                text: 'Waiting for output rows — start a stream',
                showarrow: false,
                font: { size: 15, color: '#5d6675' },
              },
            ],
          };
    Plotly.react(target, traces as Plotly.Data[], layout, config).catch((error: unknown) =>
      onError(`the chart could not be drawn: ${String(error)}`),
    );
  }, [chart, onError]);

  useEffect(() => {
    const target = element.current;
    return () => {
      if (target) Plotly.purge(target);
    };
  }, []);

  function exportImage(format: 'png' | 'svg') {
    const target = element.current;
    if (!target) return;
    Plotly.downloadImage(target, {
      format,
      filename: FILE_NAME,
      width: target.clientWidth || 900,
      height: HEIGHT,
    }).catch((error: unknown) =>
      onError(`${format.toUpperCase()} export failed: ${String(error)}`),
    );
  }

  return (
    <section className="panel panel-wide" aria-labelledby="chart-title">
      <div className="panel-head">
        <h2 id="chart-title">Temperature by borough</h2>
        <span className="chart-window">
          last {formatCount(chart.windowSize)} output rows · {formatCount(chart.rowsSeen)} seen
        </span>
        <span className="button-row" role="group" aria-label="Export the chart">
          <button type="button" disabled={!hasData} onClick={() => exportImage('png')}>
            PNG
          </button>
          <button type="button" disabled={!hasData} onClick={() => exportImage('svg')}>
            SVG
          </button>
          <button
            type="button"
            disabled={!hasData}
            onClick={() => downloadText(boxPlotCsv(chart), `${FILE_NAME}.csv`, 'text/csv')}
          >
            CSV
          </button>
        </span>
      </div>
      <div
        ref={element}
        className="chart"
        data-testid="boxplot"
        data-boroughs={boroughs.join(',')}
        data-rows-seen={chart.rowsSeen}
        role="figure"
        aria-label={`Box plot of temperature by borough${hasData ? ': ' + boroughs.join(', ') : ''}`}
      />
    </section>
  );
}
