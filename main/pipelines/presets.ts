// Ready-made transforms, as data: the NYC parking-violations example (the Python pipeline's
// Faust agent, and a windowed version of it) and generic ones for any file. The only place that
// knows the NYC dataset's field names, borough codes and default topic names.
// A preset is named on its own (`nyc-parking-boroughs`) or with a parameter after a colon
// (`counts-per-minute:Violation County`): everything after the first colon is the parameter.
import { InputError } from '../shared/errors';
import type { TransformSpec } from './transformSpec';

export interface TransformPreset {
  /** as the user writes it, e.g. "counts-per-minute:<column>" */
  usage: string;
  description: string;
  /** topics a stream of the preset's dataset uses unless the user names others */
  topics?: { input: string; output: string };
  /** what the parameter is, when the preset takes one (then it is required) */
  parameter?: string;
  spec(parameter: string | null): TransformSpec;
}

/** Borough codes as they appear in the NYC parking-violation data, as the Python pipeline mapped them. */
const NYC_BOROUGH_CODES: Record<string, string> = {
  BK: 'Brooklyn',
  K: 'Brooklyn',
  Kings: 'Brooklyn',
  ABX: 'Bronx',
  BX: 'Bronx',
  Bronx: 'Bronx',
  MN: 'Manhattan',
  NY: 'Manhattan',
  Q: 'Queens',
  QN: 'Queens',
  QNS: 'Queens',
  QUEEN: 'Queens',
  Qns: 'Queens',
  R: 'Staten Island',
  Rich: 'Staten Island',
  ST: 'Staten Island',
};

// Select first, then map in place: the map then copies a three-field row, not the whole input row.
const NYC_BOROUGH_STEPS: TransformSpec['steps'] = [
  {
    type: 'select',
    fields: [
      'Issue Date',
      { field: 'W - Temperature', as: 'Temperature' },
      { field: 'Violation County Name', as: 'Violation County' },
    ],
  },
  { type: 'map', field: 'Violation County', values: NYC_BOROUGH_CODES, unmapped: 'drop' },
];

const NYC_INPUT_TOPIC = 'parking-violations';

export const PRESETS: Readonly<Record<string, TransformPreset>> = {
  'nyc-parking-boroughs': {
    usage: 'nyc-parking-boroughs',
    description:
      'NYC parking violations: keep Issue Date, Temperature and the borough; drop unknown boroughs',
    topics: { input: NYC_INPUT_TOPIC, output: 'parking-violations-by-borough' },
    spec: () => ({ name: 'nyc-parking-boroughs', steps: NYC_BOROUGH_STEPS }),
  },
  'nyc-parking-temperature-10m': {
    usage: 'nyc-parking-temperature-10m',
    description:
      'NYC parking violations by borough, then count, mean and quartiles of Temperature per borough per 10 minutes of Issue Date',
    topics: { input: NYC_INPUT_TOPIC, output: 'parking-temperature-10m' },
    spec: () => ({
      name: 'nyc-parking-temperature-10m',
      steps: [
        ...NYC_BOROUGH_STEPS,
        {
          type: 'window',
          time: { field: 'Issue Date' },
          size: '10m',
          grace: '1d',
          key: ['Violation County'],
          aggregates: [
            { op: 'count', as: 'rows' },
            { op: 'mean', field: 'Temperature', as: 'mean_temperature' },
            { op: 'quantiles', field: 'Temperature', as: 'temperature' },
          ],
          emit: 'update',
        },
      ],
    }),
  },
  'counts-per-minute': {
    usage: 'counts-per-minute:<column>',
    description: 'rows per value of a column, per minute of processing time (any file)',
    parameter: 'a column name',
    spec: (column) => ({
      name: `counts-per-minute:${column}`,
      steps: [
        {
          type: 'window',
          time: 'processing',
          size: '1m',
          key: [column!],
          aggregates: [{ op: 'count', as: 'count' }],
          emit: 'update',
        },
      ],
    }),
  },
};

/** The default transform when none is named. */
export const DEFAULT_PRESET = 'nyc-parking-boroughs';

/** How the presets read in help and in errors: "a, b, c:<column>". */
export function presetList(): string {
  return Object.values(PRESETS)
    .map((preset) => preset.usage)
    .join(', ');
}

/**
 * The preset a reference names ("name" or "name:parameter") with its spec, or null when the
 * reference names no preset. A wrong or missing parameter is an InputError.
 */
export function findPreset(
  reference: string,
): { preset: TransformPreset; spec: TransformSpec } | null {
  const colon = reference.indexOf(':');
  const name = colon < 0 ? reference : reference.slice(0, colon);
  if (!Object.hasOwn(PRESETS, name)) return null;
  const preset = PRESETS[name]!;
  const parameter = colon < 0 ? null : reference.slice(colon + 1);
  if (preset.parameter && !parameter)
    throw new InputError(`preset ${name} needs ${preset.parameter}: ${preset.usage}`);
  if (!preset.parameter && parameter !== null)
    throw new InputError(`preset ${name} takes no parameter — write just "${name}"`);
  return { preset, spec: preset.spec(parameter) };
}
