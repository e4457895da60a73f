// What a chart is, as data: its type, the output fields it draws, how it aggregates and over
// which rolling window. One schema validates it where it enters (the setCharts command, a
// pipeline's default charts); the chart feed and the renderer trust the parsed shape.
// Pure zod, no Node: the renderer shares it through the contract.
import { z } from 'zod';

export const chartTypes = ['box', 'histogram', 'bar', 'scatter', 'line', 'window'] as const;
export type ChartType = (typeof chartTypes)[number];

export const chartAggregates = ['count', 'sum', 'mean', 'min', 'max'] as const;
export type ChartAggregate = (typeof chartAggregates)[number];

/** The most rows one chart's window holds, a time window included. */
export const MAX_WINDOW_ROWS = 100_000;
export const DEFAULT_WINDOW_ROWS = 1000;
export const MAX_CHARTS = 24;

/** What each type needs: x, y and group fields, and what they mean. */
export const chartFieldRoles: Record<
  ChartType,
  { x: 'required' | 'optional' | 'unused'; y: 'required' | 'optional' | 'unused' }
> = {
  box: { x: 'optional', y: 'required' }, // y numeric, split by x (a category)
  histogram: { x: 'required', y: 'unused' }, // x numeric
  bar: { x: 'required', y: 'optional' }, // x category; y needed by every aggregate but count
  scatter: { x: 'required', y: 'required' }, // both numeric
  line: { x: 'optional', y: 'required' }, // x a time or number field; absent = arrival time
  window: { x: 'optional', y: 'required' }, // window results: y against x (default window_start)
};

const fieldName = z
  .string()
  .min(1, 'name a field')
  .max(200, 'field names are at most 200 characters');

export const chartWindowSchema = z.union([
  z.object({ rows: z.number().int().min(1).max(MAX_WINDOW_ROWS) }).strict(),
  z.object({ seconds: z.number().positive().max(86_400) }).strict(),
]);
export type ChartWindow = z.infer<typeof chartWindowSchema>;

export const chartSpecSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'chart ids are 1–64 letters, digits, "_" or "-"'),
    title: z.string().trim().min(1, 'give the chart a title').max(120),
    type: z.enum(chartTypes),
    x: fieldName.optional(),
    y: fieldName.optional(),
    /** splits the data into series (box: one box per value of x, then per group) */
    group: fieldName.optional(),
    /** axis titles; default: the field names */
    xLabel: z.string().max(120).optional(),
    yLabel: z.string().max(120).optional(),
    /** bar and window charts: how rows of a category combine (default count for bars) */
    aggregate: z.enum(chartAggregates).optional(),
    window: chartWindowSchema.default({ rows: DEFAULT_WINDOW_ROWS }),
    /** histogram: number of equal-width bins (default 20) */
    bins: z.number().int().min(1).max(200).optional(),
    /** scatter, line and window charts: the most points a series keeps (default 1000) */
    maxPoints: z.number().int().min(2).max(10_000).optional(),
    /** window charts: draw as lines or bars (default line) */
    style: z.enum(['line', 'bar']).optional(),
  })
  .strict()
  .superRefine((spec, context) => {
    const roles = chartFieldRoles[spec.type];
    for (const axis of ['x', 'y'] as const) {
      if (roles[axis] === 'required' && spec[axis] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [axis],
          message: `a ${spec.type} chart needs a field for ${axis}`,
        });
      }
    }
    if (spec.type === 'bar' && (spec.aggregate ?? 'count') !== 'count' && spec.y === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['y'],
        message: `a bar chart of the ${spec.aggregate} needs a numeric field for y`,
      });
    }
  });
export type ChartSpec = z.infer<typeof chartSpecSchema>;

export const chartListSchema = z
  .array(chartSpecSchema)
  .max(MAX_CHARTS, `at most ${MAX_CHARTS} charts`)
  .superRefine((charts, context) => {
    const seen = new Set<string>();
    charts.forEach((chart, index) => {
      if (seen.has(chart.id)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `chart id ${chart.id} is used twice`,
        });
      }
      seen.add(chart.id);
    });
  });

/** A field of the output topic as the chart feed has seen it. */
export type OutputFieldType = 'number' | 'string' | 'timestamp' | 'boolean';
export interface OutputField {
  name: string;
  type: OutputFieldType;
}
