// A transform as written in JSON: a name and a list of steps. One schema per step; the spec's
// schema is their union. parseTransformSpec checks each step on its own so that every mistake
// ends in one line naming the step number, its type and the field. Plain zod, no Node: the
// renderer bundles it through the contract.
import { z } from 'zod';
import { describeError, InputError } from '../shared/errors';
import { describeIssue } from './specIssues';
import { windowStepSchema } from './windowSpec';

const fieldName = z.string().min(1, 'name a field');
const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const selectStepSchema = z
  .object({
    type: z.literal('select'),
    fields: z
      .array(
        z.union([fieldName, z.object({ field: fieldName, as: fieldName.optional() }).strict()]),
      )
      .min(1, 'select at least one field'),
  })
  .strict();

export const mapStepSchema = z
  .object({
    type: z.literal('map'),
    field: fieldName,
    as: fieldName.optional(),
    values: z.record(z.string(), z.unknown()),
    unmapped: z.enum(['drop', 'keep', 'default']).optional(),
    default: z.unknown().optional(),
  })
  .strict()
  .refine((step) => step.unmapped !== 'default' || step.default !== undefined, {
    message: 'unmapped "default" needs a "default" value',
    path: ['default'],
  });

export const CONDITION_OPS = [
  'eq',
  'neq',
  'in',
  'not-in',
  'gt',
  'gte',
  'lt',
  'lte',
  'is-null',
  'not-null',
  'contains',
  'starts-with',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type Condition =
  | { field: string; op: ConditionOp; value?: unknown }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };

const comparisonSchema = z
  .object({ field: fieldName, op: z.enum(CONDITION_OPS), value: z.unknown().optional() })
  .strict()
  .superRefine((cond, ctx) => {
    const needsNoValue = cond.op === 'is-null' || cond.op === 'not-null';
    const needsList = cond.op === 'in' || cond.op === 'not-in';
    if (needsNoValue && cond.value !== undefined)
      ctx.addIssue({ code: 'custom', message: `"${cond.op}" takes no value`, path: ['value'] });
    else if (
      needsList &&
      !(Array.isArray(cond.value) && jsonValue.array().safeParse(cond.value).success)
    )
      ctx.addIssue({
        code: 'custom',
        message: `"${cond.op}" needs a list of values`,
        path: ['value'],
      });
    else if (!needsNoValue && !needsList && !jsonValue.safeParse(cond.value).success)
      ctx.addIssue({
        code: 'custom',
        message: `"${cond.op}" needs a value (text, number, true, false or null)`,
        path: ['value'],
      });
  });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union(
    [
      comparisonSchema,
      z.object({ and: z.array(conditionSchema).min(1, 'give at least one condition') }).strict(),
      z.object({ or: z.array(conditionSchema).min(1, 'give at least one condition') }).strict(),
      z.object({ not: conditionSchema }).strict(),
    ],
    {
      error: 'write a condition: {"field", "op", "value"}, {"and": […]}, {"or": […]} or {"not": …}',
    },
  ),
);

export const filterStepSchema = z
  .object({
    type: z.literal('filter'),
    /** a condition object, or an expression that yields true for the rows to keep */
    where: z.union([z.string().min(1, 'write a condition'), conditionSchema]),
  })
  .strict();

export const deriveStepSchema = z
  .object({
    type: z.literal('derive'),
    field: fieldName,
    expr: z.string().min(1, 'write an expression'),
  })
  .strict();

export const castStepSchema = z
  .object({
    type: z.literal('cast'),
    field: fieldName,
    to: z.enum(['number', 'string', 'boolean', 'timestamp']),
    onError: z.enum(['drop', 'null']).optional(),
  })
  .strict();

/** A JavaScript module's function as a step; the path is resolved where the spec was found. */
export const moduleStepSchema = z
  .object({ type: z.literal('module'), path: z.string().min(1, 'give the module path') })
  .strict();

const STEP_SCHEMAS = {
  select: selectStepSchema,
  map: mapStepSchema,
  filter: filterStepSchema,
  derive: deriveStepSchema,
  cast: castStepSchema,
  window: windowStepSchema,
  module: moduleStepSchema,
} as const;
export type StepType = keyof typeof STEP_SCHEMAS;
export const STEP_TYPES = Object.keys(STEP_SCHEMAS) as StepType[];

export const stepSchema = z.discriminatedUnion('type', [
  selectStepSchema,
  mapStepSchema,
  filterStepSchema,
  deriveStepSchema,
  castStepSchema,
  windowStepSchema,
  moduleStepSchema,
]);

export const transformSpecSchema = z
  .object({
    name: z.string().min(1, 'name the transform or leave the name out').optional(),
    steps: z.array(stepSchema).min(1, 'give at least one step'),
  })
  .strict();

export type SelectStep = z.infer<typeof selectStepSchema>;
export type MapStep = z.infer<typeof mapStepSchema>;
export type FilterStep = z.infer<typeof filterStepSchema>;
export type DeriveStep = z.infer<typeof deriveStepSchema>;
export type CastStep = z.infer<typeof castStepSchema>;
export type ModuleStep = z.infer<typeof moduleStepSchema>;
export type TransformStep = z.infer<typeof stepSchema>;
export type TransformSpec = z.infer<typeof transformSpecSchema>;

/** "step 3 (filter): " — how every message about one step begins. */
export function stepLabel(index: number, type: string): string {
  return `step ${index + 1} (${type}): `;
}

/** The spec, or an InputError with one line naming the step, its type and what is wrong. */
export function parseTransformSpec(raw: unknown): TransformSpec {
  const outer = z
    .object({ name: z.unknown().optional(), steps: z.array(z.unknown()) })
    .passthrough()
    .safeParse(raw);
  if (!outer.success || typeof raw !== 'object' || raw === null) {
    throw new InputError('transform: give an object with a "steps" list');
  }
  if (outer.data.steps.length === 0)
    throw new InputError('transform: steps: give at least one step');
  outer.data.steps.forEach((step, index) => {
    const type = (step as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !(STEP_TYPES as string[]).includes(type)) {
      const got = typeof type === 'string' ? ` "${type}"` : '';
      throw new InputError(
        `step ${index + 1}: unknown step type${got} — use ${STEP_TYPES.join(', ')}`,
      );
    }
    const parsed = STEP_SCHEMAS[type as StepType].safeParse(step);
    if (!parsed.success) {
      throw new InputError(stepLabel(index, type) + describeIssue(parsed.error.issues[0]!));
    }
  });
  const parsed = transformSpecSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`transform: ${describeIssue(parsed.error.issues[0]!)}`);
  return parsed.data;
}

/** A preset name, a file path, JSON text of a spec, or a spec object (see transformSource.ts). */
export type TransformReference = string | TransformSpec;

/** The schema the API and stream config use for a transform: a name or path, or a valid spec. */
export const transformReferenceSchema = z.unknown().transform((value, ctx): TransformReference => {
  if (typeof value === 'string') {
    if (value.trim() === '')
      ctx.addIssue({ code: 'custom', message: 'name a preset, a .json spec or a JS module' });
    return value.trim();
  }
  try {
    return parseTransformSpec(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: describeError(error) });
    return z.NEVER;
  }
});
