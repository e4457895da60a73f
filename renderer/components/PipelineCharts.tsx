// The pipeline's own charts: rows per second over time — produced, consumed and output —,
// consumed per worker, and the workers' lag per input partition, from what the engine samples
// about once a second while streaming. Through its ref it hands "Export all" each drawn chart's
// element and CSV.
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import * as Plotly from 'plotly.js-dist-min';
import type { PipelineRates, TimeSeries } from '../../main/api/contract';
import { useChartTheme } from '../chart/chartTheme';
import { timeSeriesCsv } from '../chart/exportFiles';

const HEIGHT = 280;
const config: Partial<Plotly.Config> = { displaylogo: false, responsive: true };

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

interface RateChartSpec {
  title: string;
  testId: string;
  unit: string;
  series: TimeSeries[];
}

function RateChart(
  props: RateChartSpec & {
    onElement: (testId: string, element: HTMLDivElement | null) => void;
    onError: (message: string) => void;
  },
) {
  const { title, testId, unit, series, onElement, onError } = props;
  const element = useRef<HTMLDivElement>(null);
  const theme = useChartTheme();
  const drawn = series.filter((line) => line.t.length > 0);

  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const traces: Plotly.Data[] = series
      .filter((line) => line.t.length > 0)
      .map((line) => ({
        type: 'scatter',
        mode: 'lines',
        name: line.name,
        x: line.t.map((ms) => new Date(ms).toISOString()),
        y: line.values,
      }));
    const layout: Partial<Plotly.Layout> = {
      title: { text: title, x: 0.02, xanchor: 'left' },
      height: HEIGHT,
      margin: { l: 64, r: 16, t: 40, b: 40 },
      paper_bgcolor: theme.background,
      plot_bgcolor: theme.background,
      font: { family: 'system-ui, sans-serif', size: 12, color: theme.text },
      xaxis: traces.length > 0 ? { type: 'date', gridcolor: theme.grid } : { visible: false },
      yaxis:
        traces.length > 0
          ? { title: { text: unit }, rangemode: 'tozero', gridcolor: theme.grid }
          : { visible: false },
      annotations:
        traces.length > 0
          ? []
          : [
              {
                text: 'Rates appear while a stream runs',
                showarrow: false,
                font: { color: theme.muted },
              },
            ],
    };
    Plotly.react(target, traces, layout, config).catch((error: unknown) =>
      onError(`the chart ${title} could not be drawn: ${String(error)}`),
    );
  }, [title, unit, series, theme, onError]);

  useEffect(() => {
    const target = element.current;
    onElement(testId, target);
    return () => {
      onElement(testId, null);
      if (target) Plotly.purge(target);
    };
  }, [testId, onElement]);

  return (
    <div
      ref={element}
      className="rate-chart"
      data-testid={testId}
      data-series={drawn.map((line) => line.name).join(',')}
      role="figure"
      aria-label={title}
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
    exports: () =>
      charts.flatMap((chart) => {
        const element = elements.current.get(chart.testId);
        if (!element || chart.series.every((line) => line.t.length === 0)) return [];
        const csv = timeSeriesCsv(chart.series, chart.unit);
        return [{ id: chart.testId, title: chart.title, element, height: HEIGHT, csv }];
      }),
  }));

  return (
    <section className="panel panel-wide" aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Pipeline</h2>
      <div className="rate-charts">
        {charts.map((chart) => (
          <RateChart key={chart.testId} {...chart} onElement={onElement} onError={props.onError} />
        ))}
      </div>
    </section>
  );
}
