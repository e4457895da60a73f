// The producer's settings as `parquet-streamer produce` flags: the commander options made from
// the flag table (producerSettings.ts), the parsed flags turned back into settings through the
// same schema the app's stream form uses, and the inverse, settings → arguments.
import { Option, type Command } from 'commander';
import { InputError } from '../shared/errors';
import {
  PARTITIONER_NAMES,
  PRODUCER_FLAGS,
  producerSettingsSchema,
  TIMESTAMP_MODES,
  type ProducerSetting,
  type ProducerSettings,
} from './producerSettings';

/** What each setting's flag takes, and says in --help. */
const FLAG_HELP: Record<
  ProducerSetting,
  { value?: string; help: string; number?: 'whole' | 'positive' }
> = {
  ratePerSecond: {
    value: '<rows>',
    help: 'rows per second (default: as fast as the broker accepts)',
    number: 'positive',
  },
  keyColumn: {
    value: '<column>',
    help: 'message key column (default: the row index, as the Python pipeline did)',
  },
  partitioner: {
    value: '<name>',
    help: 'default = murmur2 like the Java client; modulo = int(key) % partitions',
  },
  replayColumn: {
    value: '<column>',
    help: 'replay by event time: rows are as far apart as their times in this column',
  },
  speed: { value: '<x>', help: 'replay speed-up for --replay-column', number: 'positive' },
  shuffle: { help: 'shuffle the rows within each row group' },
  seed: { value: '<n>', help: 'shuffle seed, for a repeatable order', number: 'whole' },
  offset: { value: '<n>', help: 'skip this many rows first', number: 'whole' },
  limit: { value: '<n>', help: 'send at most this many rows', number: 'whole' },
  timestamps: {
    value: '<form>',
    help: 'timestamps as ISO-8601 strings or epoch milliseconds',
  },
  resume: { help: 'continue an interrupted run from its checkpoint, without duplicates' },
};

const CHOICES: Partial<Record<ProducerSetting, readonly string[]>> = {
  partitioner: PARTITIONER_NAMES,
  timestamps: TIMESTAMP_MODES,
};

const SETTINGS = Object.keys(PRODUCER_FLAGS) as ProducerSetting[];

/** The name commander gives a flag's value: --replay-column → replayColumn. */
function attributeOf(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Adds a flag per setting to a commander command. */
export function addProducerSettingFlags(command: Command): Command {
  for (const setting of SETTINGS) {
    const { value, help, number } = FLAG_HELP[setting];
    const flag = PRODUCER_FLAGS[setting];
    const option = new Option(value ? `${flag} ${value}` : flag, help);
    const choices = CHOICES[setting];
    if (choices) option.choices(choices);
    if (number) option.argParser(numberOf(setting, number));
    command.addOption(option);
  }
  return command;
}

function numberOf(setting: ProducerSetting, kind: 'whole' | 'positive'): (text: string) => number {
  const flag = PRODUCER_FLAGS[setting];
  return (text) => {
    const number = Number(text);
    const valid =
      kind === 'whole' ? /^\d+$/.test(text.trim()) : Number.isFinite(number) && number > 0;
    if (!valid) {
      const takes = kind === 'whole' ? 'a whole number' : 'a number above 0';
      throw new InputError(`${flag} takes ${takes} (got "${text}")`, { field: setting });
    }
    return number;
  };
}

/** The settings in commander's parsed flags, checked by the schema; a mistake names its flag. */
export function producerSettingsFromFlags(flags: Record<string, unknown>): ProducerSettings {
  const raw: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const value = flags[attributeOf(PRODUCER_FLAGS[setting])];
    if (value !== undefined) raw[setting] = value;
  }
  raw.ratePerSecond ??= null;
  const parsed = producerSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = issue?.path[0] as ProducerSetting;
    throw new InputError(`${PRODUCER_FLAGS[setting]}: ${issue?.message ?? 'invalid'}`, {
      field: setting,
    });
  }
  return parsed.data;
}

/** The settings as `produce` arguments: parsing them gives the same settings back. */
export function produceArguments(settings: ProducerSettings): string[] {
  const args: string[] = [];
  for (const setting of SETTINGS) {
    const value = settings[setting];
    if (value === undefined || value === null || value === false) continue;
    args.push(PRODUCER_FLAGS[setting]);
    if (value !== true) args.push(String(value));
  }
  return args;
}
