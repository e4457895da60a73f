// What the chart feed pushes for one chart: the figures the renderer draws, computed in main
// from the chart's rolling window (never the window's raw rows). Types only: the renderer shares
// them through the contract.

/** Tukey box statistics of one group: quartiles by linear interpolation, whiskers at 1.5 IQR. */
export interface BoxStats {
  /** the category (the x value; the y field's name when the chart has no x) */
  name: string;
  /** the group's value, when the chart splits categories by group */
  group?: string;
  count: number;
  mean: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  /** the smallest value ≥ q1 − 1.5 IQR */
  lowerWhisker: number;
  /** the largest value ≤ q3 + 1.5 IQR */
  upperWhisker: number;
  /** values beyond the whiskers (counted, not sent) */
  outliers: number;
}

/** A series of points: scatter, line and window charts. */
export interface PointSeries {
  name: string;
  x: number[];
  y: number[];
}

export type ChartFigure =
  | { type: 'box'; boxes: BoxStats[] }
  | {
      type: 'histogram';
      /** bins + 1 edges; bin i is [edges[i], edges[i+1]), the last one closed */
      edges: number[];
      series: { name: string; counts: number[] }[];
    }
  | {
      type: 'bar';
      categories: string[];
      /** one value per category, null where a series has no row of that category */
      series: { name: string; values: (number | null)[] }[];
    }
  | {
      type: 'scatter' | 'line' | 'window';
      /** x values are epoch milliseconds */
      xTime: boolean;
      series: PointSeries[];
    };

export interface ChartData {
  figure: ChartFigure;
  /** rows in the chart's window now */
  windowRows: number;
  /** rows the chart has seen since the stream started (with those a lagging feed skipped) */
  rowsSeen: number;
  /** window rows the figure could not use (a missing or non-numeric value) */
  skipped: number;
  /** the highest source.row among the output rows seen: how far into the dataset the chart is */
  newestSourceRow?: number;
}
