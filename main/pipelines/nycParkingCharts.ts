// The NYC parking pipeline's default charts, as data: the Dash page's box plot of temperature by
// borough over the last 1000 output rows. They belong with the NYC preset's transform; the engine
// hands them to the chart feed for that pipeline.
import type { ChartSpec } from '../charts/chartSpec';

export const nycParkingCharts: ChartSpec[] = [
  {
    id: 'temperature-by-borough',
    title: 'Temperature by borough',
    type: 'box',
    x: 'Violation County',
    y: 'Temperature',
    xLabel: 'Borough',
    yLabel: 'Temperature (°F)',
    window: { rows: 1000 },
  },
];
