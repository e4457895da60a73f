// The pipeline's own charts: rows per second over time — produced, consumed and output —,
// consumed per worker, and the workers' lag per input partition, from what the engine samples
// about once a second while streaming; and a bar per transform step of the rows it dropped, from
// the group's committed counts. Through its ref it hands "Export all" each drawn chart's element
// and CSV.
import { useEffect, useImperativeHandle, useRef, type Ref, type RefObject } from 'react';
import * as Plotly from 'plotly.js-dist-min';
import type { PipelineRates, TimeSeries } from '../../main/api/contract';
import { useChartTheme, type ChartTheme } from '../chart/chartTheme';
import { forgetDrawing, scheduleDraw, useElementWidth } from '../chart/drawQueue';
import { stepDropsCsv, timeSeriesCsv } from '../chart/exportFiles';

const HEIGHT = 280;
/** a fixed size and containment keep a redraw from relaying out the rest of the page */
const CONTAINED = { height: HEIGHT, contain: 'strict' } as const;

/** One pipeline chart as "Export all" takes it. */
export interface PipelineExport {
  id: string;
  title: string;
  element: HTMLElement;
  height: number;
  csv: string;
}

export interface PipelineChartsHandle {
  /** the charts that have points to export, in page order */
  exports(): PipelineExport[];
}

type StepDrops = PipelineRates['droppedPerStep'][number];
type OnElement = (testId: string, element: HTMLDivElement | null) => void;

const DROPPED_TITLE = 'Rows dropped per transform step';
const DROPPED_ID = 'pipeline-dropped';

/** What sets a pipeline chart's axes apart: the x axis's type, the y axis's unit, bars side by
 * side or not, and what the chart says while it has nothing to draw. */
interface ChartAxes {
  xType: 'date' | 'category';
  unit: string;
  barmode?: 'group';
  empty: string;
}

const DROPPED_AXES: ChartAxes = {
  xType: 'category',
  unit: 'rows',
  barmode: 'group',
  empty: 'Dropped rows appear once the workers commit',
};

/** A pipeline chart's layout: title, size and the theme's colours, then its axes when it has
 * traces, else hidden axes and the empty note. */
function chartLayout(
  title: string,
  axes: ChartAxes,
  hasTraces: boolean,
  theme: ChartTheme,
  width: number,
): Partial<Plotly.Layout> {
  const base: Partial<Plotly.Layout> = {
    title: { text: title, x: 0.02, xanchor: 'left' },
    width,
    height: HEIGHT,
    margin: { l: 64, r: 16, t: 40, b: 40 },
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { family: 'system-ui, sans-serif', size: 12, color: theme.text },
    legend: { font: { color: theme.text } },
  };
  if (!hasTraces) {
    return {
      ...base,
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [{ text: axes.empty, showarrow: false, font: { color: theme.muted } }],
    };
  }
  return {
    ...base,
    ...(axes.barmode ? { barmode: axes.barmode } : {}),
    xaxis: { type: axes.xType, gridcolor: theme.grid },
    yaxis: { title: { text: axes.unit }, rangemode: 'tozero', gridcolor: theme.grid },
  };
}

/** Queues a pipeline chart's draw; a failed draw reaches onError as one line naming the chart. */
function drawChart(
  target: HTMLDivElement,
  chart: {
    title: string;
    axes: ChartAxes;
    traces: Plotly.Data[];
    theme: ChartTheme;
    width: number;
  },
  onError: (message: string) => void,
) {
  const { title, axes, traces, theme, width } = chart;
  scheduleDraw(target, {
    traces,
    layout: chartLayout(title, axes, traces.length > 0, theme, width),
    onError: (error) => onError(`the chart ${title} could not be drawn: ${String(error)}`),
  });
}

/** The element a pipeline chart draws into, named for the tests and for screen readers. */
function ChartFigure(props: {
  element: RefObject<HTMLDivElement | null>;
  testId: string;
  title: string;
  series: string[];
  dropped?: number[];
}) {
  const { element, testId, title, series, dropped } = props;
  return (
    <div
      ref={element}
      className="rate-chart"
      style={CONTAINED}
      data-testid={testId}
      data-series={series.join(',')}
      data-dropped={dropped?.join(',')}
      role="figure"
      aria-label={title}
    />
  );
}

/** Reports the chart's element to the parent while mounted; purges Plotly's state on unmount. */
function useReportedElement(testId: string, onElement: OnElement) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = element.current;
    onElement(testId, target);
    return () => {
      onElement(testId, null);
      if (!target) return;
      forgetDrawing(target);
      Plotly.purge(target);
    };
  }, [testId, onElement]);
  return element;
}

interface RateChartSpec {
  title: string;
  testId: string;
  unit: string;
  series: TimeSeries[];
}

function RateChart(
  props: RateChartSpec & { onElement: OnElement; onError: (message: string) => void },
) {
  const { title, testId, unit, series, onElement, onError } = props;
  const element = useReportedElement(testId, onElement);
  const theme = useChartTheme();
  const width = useElementWidth(element);
  const drawn = series.filter((line) => line.t.length > 0);

  useEffect(() => {
    const target = element.current;
    if (!target || width === undefined) return;
    const traces: Plotly.Data[] = series
      .filter((line) => line.t.length > 0)
      .map((line) => ({
        type: 'scatter',
        mode: 'lines',
        name: line.name,
        x: line.t.map((ms) => new Date(ms).toISOString()),
        y: line.values,
      }));
    const axes: ChartAxes = { xType: 'date', unit, empty: 'Rates appear while a stream runs' };
    drawChart(target, { title, axes, traces, theme, width }, onError);
  }, [element, title, unit, series, theme, width, onError]);

  return (
    <ChartFigure
      element={element}
      testId={testId}
      title={title}
      series={drawn.map((line) => line.name)}
    />
  );
}

/** A bar per transform step: the rows it dropped and those it could not handle. */
function DroppedChart(props: {
  steps: StepDrops[];
  onElement: OnElement;
  onError: (message: string) => void;
}) {
  const { steps, onElement, onError } = props;
  const element = useReportedElement(DROPPED_ID, onElement);
  const theme = useChartTheme();
  const width = useElementWidth(element);

  useEffect(() => {
    const target = element.current;
    if (!target || width === undefined) return;
    const names = steps.map((step) => step.name);
    const traces: Plotly.Data[] =
      steps.length === 0
        ? []
        : [
            { type: 'bar', name: 'dropped', x: names, y: steps.map((step) => step.dropped) },
            { type: 'bar', name: 'errors', x: names, y: steps.map((step) => step.errors) },
          ];
    drawChart(target, { title: DROPPED_TITLE, axes: DROPPED_AXES, traces, theme, width }, onError);
  }, [element, steps, theme, width, onError]);

  return (
    <ChartFigure
      element={element}
      testId={DROPPED_ID}
      title={DROPPED_TITLE}
      series={steps.map((step) => step.name)}
      dropped={steps.map((step) => step.dropped)}
    />
  );
}

export function PipelineCharts(props: {
  rates: PipelineRates;
  onError: (message: string) => void;
  ref?: Ref<PipelineChartsHandle>;
}) {
  const { rates } = props;
  const charts: RateChartSpec[] = [
    {
      title: 'Rows per second',
      testId: 'pipeline-throughput',
      unit: 'rows/s',
      series: rates.throughput,
    },
    {
      title: 'Rows per second per worker',
      testId: 'pipeline-workers',
      unit: 'rows/s',
      series: rates.perWorker,
    },
    {
      title: 'Consumer lag per input partition',
      testId: 'pipeline-lag',
      unit: 'rows behind',
      series: rates.lag,
    },
  ];
  const elements = useRef(new Map<string, HTMLDivElement>());
  const onElement = useRef((testId: string, element: HTMLDivElement | null) => {
    if (element) elements.current.set(testId, element);
    else elements.current.delete(testId);
  }).current;

  useImperativeHandle(props.ref, () => ({
    exports: () => {
      const drawn = charts.flatMap((chart) => {
        const element = elements.current.get(chart.testId);
        if (!element || chart.series.every((line) => line.t.length === 0)) return [];
        const csv = timeSeriesCsv(chart.series, chart.unit);
        return [{ id: chart.testId, title: chart.title, element, height: HEIGHT, csv }];
      });
      const dropped = elements.current.get(DROPPED_ID);
      if (!dropped || rates.droppedPerStep.length === 0) return drawn;
      const csv = stepDropsCsv(rates.droppedPerStep);
      return [
        ...drawn,
        { id: DROPPED_ID, title: DROPPED_TITLE, element: dropped, height: HEIGHT, csv },
      ];
    },
  }));

  return (
    <section className="panel panel-wide" aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Pipeline</h2>
      <div className="rate-charts">
        {charts.map((chart) => (
          <RateChart key={chart.testId} {...chart} onElement={onElement} onError={props.onError} />
        ))}
        <DroppedChart steps={rates.droppedPerStep} onElement={onElement} onError={props.onError} />
      </div>
    </section>
  );
}
