// Turns a chart spec and the figure the chart feed computed into Plotly traces and a layout: box
// plots from precomputed quartiles and whiskers, histograms from precomputed bins, bars, scatter,
// lines and window results. Axis titles come from the spec; nothing here knows any dataset.
import type * as Plotly from 'plotly.js-dist-min';
import type { ChartData, ChartSpec } from '../../main/api/contract';
import { CHART_THEMES, type ChartTheme } from './chartTheme';

export const CHART_HEIGHT = 400;
export const WAITING_TEXT = 'Waiting for output rows — start a stream';

const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#b279a2',
  '#e45756',
  '#72b7b2',
  '#eeca3b',
  '#9d755d',
  '#ff9da6',
  '#bab0ac',
];

export interface PlotFigure {
  traces: Plotly.Data[];
  layout: Partial<Plotly.Layout>;
  /** the names of the series (or boxes) drawn, in order */
  seriesNames: string[];
}

const times = (xs: number[]) => xs.map((ms) => new Date(ms).toISOString());

/** The axis titles: the spec's labels, or what the fields mean in this chart type. */
export function axisTitles(spec: ChartSpec): { x: string; y: string } {
  const x =
    spec.x ??
    (spec.type === 'window' ? 'window_start' : spec.type === 'line' ? 'arrival time' : '');
  let y = spec.y ?? '';
  if (spec.type === 'histogram') y = 'rows';
  if (spec.type === 'bar') {
    const op = spec.aggregate ?? 'count';
    y = op === 'count' ? 'rows' : `${op} of ${spec.y}`;
  }
  return { x: spec.xLabel ?? x, y: spec.yLabel ?? y };
}

function colourOf(names: string[]): (name: string) => string {
  return (name) => PALETTE[Math.max(0, names.indexOf(name)) % PALETTE.length]!;
}

function traces(spec: ChartSpec, data: ChartData): { traces: Plotly.Data[]; names: string[] } {
  const figure = data.figure;
  switch (figure.type) {
    case 'box': {
      const grouped = figure.boxes.some((box) => box.group !== undefined);
      const names = [...new Set(figure.boxes.map((box) => box.group ?? box.name))];
      const colour = colourOf(names);
      const legendShown = new Set<string>();
      return {
        names: figure.boxes.map((box) => box.name),
        traces: figure.boxes.map((box) => {
          const name = box.group ?? box.name;
          const showlegend = grouped && !legendShown.has(name);
          legendShown.add(name);
          return {
            type: 'box',
            name,
            legendgroup: name,
            showlegend,
            x: [box.name],
            q1: [box.q1],
            median: [box.median],
            q3: [box.q3],
            lowerfence: [box.lowerWhisker],
            upperfence: [box.upperWhisker],
            mean: [box.mean],
            boxpoints: false,
            marker: { color: colour(name) },
            hovertext: `${box.count} values, ${box.outliers} beyond the whiskers`,
          } as Partial<Plotly.BoxPlotData> as Plotly.Data;
        }),
      };
    }
    case 'histogram': {
      const { edges } = figure;
      const centres = edges.slice(0, -1).map((edge, i) => (edge + edges[i + 1]!) / 2);
      const widths = edges.slice(0, -1).map((edge, i) => edges[i + 1]! - edge);
      const names = figure.series.map((series) => series.name);
      const colour = colourOf(names);
      return {
        names,
        traces: figure.series.map((series) => ({
          type: 'bar',
          name: series.name,
          x: centres,
          y: series.counts,
          width: widths,
          opacity: figure.series.length > 1 ? 0.6 : 1,
          marker: { color: colour(series.name) },
        })),
      };
    }
    case 'bar': {
      const names = figure.series.map((series) => series.name);
      const colour = colourOf(names);
      return {
        names,
        traces: figure.series.map((series) => ({
          type: 'bar',
          name: series.name,
          x: figure.categories,
          y: series.values,
          marker: { color: colour(series.name) },
        })),
      };
    }
    default: {
      const names = figure.series.map((series) => series.name);
      const colour = colourOf(names);
      const asBars = figure.type === 'window' && spec.style === 'bar';
      return {
        names,
        traces: figure.series.map((series) => ({
          type: asBars ? 'bar' : 'scatter',
          mode: figure.type === 'scatter' ? 'markers' : 'lines+markers',
          name: series.name,
          x: figure.xTime ? times(series.x) : series.x,
          y: series.y,
          marker: { color: colour(series.name), size: figure.type === 'scatter' ? 5 : 4 },
        })) as Plotly.Data[],
      };
    }
  }
}

/** What to tell the user when there is nothing to draw. */
function emptyText(spec: ChartSpec, data: ChartData | undefined): string {
  if (!data || data.windowRows === 0) return WAITING_TEXT;
  const fields = [spec.x, spec.y].filter((field) => field !== undefined).join(' and ');
  return `None of the last ${data.windowRows} rows has a usable ${fields}`;
}

function xAxisType(data: ChartData | undefined): Plotly.AxisType | undefined {
  const figure = data?.figure;
  if (!figure) return undefined;
  if ('xTime' in figure && figure.xTime) return 'date';
  return figure.type === 'bar' || figure.type === 'box' ? 'category' : undefined;
}

export function plotFigure(
  spec: ChartSpec,
  data: ChartData | undefined,
  theme: ChartTheme = CHART_THEMES.light,
): PlotFigure {
  const titles = axisTitles(spec);
  const drawn = data ? traces(spec, data) : { traces: [], names: [] };
  const type = data?.figure.type;
  const groupedBoxes =
    data?.figure.type === 'box' && data.figure.boxes.some((box) => box.group !== undefined);
  const layout: Partial<Plotly.Layout> = {
    title: { text: spec.title, x: 0.02, xanchor: 'left' },
    height: CHART_HEIGHT,
    margin: { l: 64, r: 16, t: 48, b: 56 },
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { family: 'system-ui, sans-serif', size: 13, color: theme.text },
    showlegend: type === 'box' ? groupedBoxes : drawn.traces.length > 1,
    barmode: type === 'histogram' ? 'overlay' : 'group',
    // one trace per box: 'group' would give every category a slot for every box
    boxmode: groupedBoxes ? 'group' : 'overlay',
    xaxis: { title: { text: titles.x }, type: xAxisType(data) },
    yaxis: { title: { text: titles.y }, zeroline: false, gridcolor: theme.grid },
  };
  if (type === 'histogram') layout.bargap = 0;
  if (drawn.traces.length === 0) {
    layout.xaxis = { visible: false };
    layout.yaxis = { visible: false };
    layout.annotations = [
      { text: emptyText(spec, data), showarrow: false, font: { size: 15, color: theme.muted } },
    ];
  }
  return { traces: drawn.traces, layout, seriesNames: drawn.names };
}
