// The producer's settings, one definition for every way a stream starts: the app's stream form
// (main/api/contract.ts extends this schema), `parquet-streamer produce` (its flags are the
// table below, and produceArguments its inverse) and the engine (ProduceOptions). Pure — zod
// only — so the renderer's bundle can hold it.
import { z } from 'zod';

export const PARTITIONER_NAMES = ['default', 'modulo', 'round-robin'] as const;
export type PartitionerName = (typeof PARTITIONER_NAMES)[number];
export const TIMESTAMP_MODES = ['iso', 'epoch-ms'] as const;

export const producerSettingsSchema = z.object({
  /** rows per second; null streams as fast as the broker accepts */
  ratePerSecond: z.number().positive().max(10_000_000).nullable(),
  /** message key: this column's value; absent → the row index (the Python pipeline's key) */
  keyColumn: z.string().min(1, 'name a column or leave the key empty').optional(),
  partitioner: z.enum(PARTITIONER_NAMES).optional(),
  /** replay by event time: the gap between rows is the gap between their timestamps / speed */
  replayColumn: z.string().min(1, 'name a timestamp column or leave it empty').optional(),
  speed: z.number().positive().max(1_000_000).optional(),
  /** shuffle rows within each row group; the same seed gives the same order */
  shuffle: z.boolean().optional(),
  seed: z.number().int().min(0).optional(),
  /** skip the first `offset` rows; send at most `limit` rows */
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).optional(),
  timestamps: z.enum(TIMESTAMP_MODES).optional(),
  /** continue from the checkpoint of an earlier run of the same file and topic */
  resume: z.boolean().optional(),
});
export type ProducerSettings = z.infer<typeof producerSettingsSchema>;
export type ProducerSetting = keyof ProducerSettings;

/** The `produce` flag of every setting. */
export const PRODUCER_FLAGS = {
  ratePerSecond: '--rate',
  keyColumn: '--key',
  partitioner: '--partitioner',
  replayColumn: '--replay-column',
  speed: '--speed',
  shuffle: '--shuffle',
  seed: '--seed',
  offset: '--offset',
  limit: '--limit',
  timestamps: '--timestamps',
  resume: '--resume',
} as const satisfies Record<ProducerSetting, string>;

const SETTING_OF_FLAG = new Map<string, ProducerSetting>(
  Object.entries(PRODUCER_FLAGS).map(([setting, flag]) => [flag, setting as ProducerSetting]),
);

/** The setting a `produce` flag sets, or undefined for a flag that is not a setting. */
export function settingOfFlag(flag: string): ProducerSetting | undefined {
  return SETTING_OF_FLAG.get(flag);
}

/** Only the settings of `values` (say, a whole stream config), without the unset ones. */
export function pickProducerSettings(values: ProducerSettings): ProducerSettings {
  const settings: Record<string, unknown> = {};
  for (const setting of Object.keys(PRODUCER_FLAGS) as ProducerSetting[]) {
    if (values[setting] !== undefined) settings[setting] = values[setting];
  }
  return settings as ProducerSettings;
}
