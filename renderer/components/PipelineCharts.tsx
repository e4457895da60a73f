// The pipeline's own charts: rows per second over time — produced, consumed and output —,
// consumed per worker, and the workers' lag per input partition, from what the engine samples
// about once a second while streaming.
import { useEffect, useRef } from 'react';
import * as Plotly from 'plotly.js-dist-min';
import type { PipelineRates, TimeSeries } from '../../main/api/contract';

const HEIGHT = 280;
const config: Partial<Plotly.Config> = { displaylogo: false, responsive: true };

function RateChart(props: {
  title: string;
  testId: string;
  unit: string;
  series: TimeSeries[];
  onError: (message: string) => void;
}) {
  const { title, unit, series, onError } = props;
  const element = useRef<HTMLDivElement>(null);
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
      font: { family: 'system-ui, sans-serif', size: 12 },
      xaxis: traces.length > 0 ? { type: 'date' } : { visible: false },
      yaxis:
        traces.length > 0
          ? { title: { text: unit }, rangemode: 'tozero', gridcolor: '#e6e8eb' }
          : { visible: false },
      annotations:
        traces.length > 0
          ? []
          : [
              {
                text: 'Rates appear while a stream runs',
                showarrow: false,
                font: { color: '#5d6675' },
              },
            ],
    };
    Plotly.react(target, traces, layout, config).catch((error: unknown) =>
      onError(`the chart ${title} could not be drawn: ${String(error)}`),
    );
  }, [title, unit, series, onError]);

  useEffect(() => {
    const target = element.current;
    return () => {
      if (target) Plotly.purge(target);
    };
  }, []);

  return (
    <div
      ref={element}
      className="rate-chart"
      data-testid={props.testId}
      data-series={drawn.map((line) => line.name).join(',')}
      role="figure"
      aria-label={title}
    />
  );
}

export function PipelineCharts(props: {
  rates: PipelineRates;
  onError: (message: string) => void;
}) {
  return (
    <section className="panel panel-wide" aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Pipeline</h2>
      <div className="rate-charts">
        <RateChart
          title="Rows per second"
          testId="pipeline-throughput"
          unit="rows/s"
          series={props.rates.throughput}
          onError={props.onError}
        />
        <RateChart
          title="Rows per second per worker"
          testId="pipeline-workers"
          unit="rows/s"
          series={props.rates.perWorker}
          onError={props.onError}
        />
        <RateChart
          title="Consumer lag per input partition"
          testId="pipeline-lag"
          unit="rows behind"
          series={props.rates.lag}
          onError={props.onError}
        />
      </div>
    </section>
  );
}
