// Compiles a validated spec into the CompiledTransform every runner uses: the steps before the
// first window as one RowStage, then the window (its operator built by the factory handed in)
// and the steps after it. Counts each step into the tally: rows in, out, dropped on purpose,
// and errors (rows a step could not handle), telling onRowError about the first few per step.
import { InputError } from '../shared/errors';
import { RowValueError } from './expression/expressionErrors';
import type {
  CompiledTransform,
  Row,
  RowErrorReporter,
  RowStage,
  StepTally,
  WindowOperator,
} from './pipeline';
import {
  castStep,
  deriveStep,
  filterStep,
  mapStep,
  moduleStep,
  RecoveredRowError,
  selectStep,
  type RowFunction,
  type RowStep,
} from './rowSteps';
import { stepLabel, type TransformSpec, type TransformStep } from './transformSpec';
import { inputFieldsRead, validateTransform } from './validateTransform';
import type { WindowStepSpec } from './windowSpec';

/** errors reported through onRowError per step, over the transform's life */
const REPORTED_ERRORS_PER_STEP = 5;

export interface CompileOptions {
  /** what to call the transform in logs and the UI; default: the spec's name or "transform" */
  name?: string;
  /** builds the window step's operator; required when the spec has a window step */
  createWindowOperator?: (spec: WindowStepSpec) => WindowOperator;
  onRowError?: RowErrorReporter;
  /** the input's field names, when known: unknown field names then fail validation */
  inputFields?: readonly string[] | null;
  /** module steps' functions, by the step's path as written in the spec */
  modules?: ReadonlyMap<string, RowFunction>;
}

interface CompiledStep {
  index: number;
  type: string;
  run: RowStep;
}

/** Validates and compiles; throws an InputError naming the step for any mistake. */
export function compileTransform(
  spec: TransformSpec,
  options: CompileOptions = {},
): CompiledTransform {
  validateTransform(spec, options.inputFields ?? null);
  const reported = spec.steps.map(() => 0);
  const report = (step: CompiledStep, message: string, row: Row) => {
    if (!options.onRowError || reported[step.index]! >= REPORTED_ERRORS_PER_STEP) return;
    reported[step.index]!++;
    options.onRowError({ step: step.index + 1, type: step.type, message, row });
  };
  const windowIndex = spec.steps.findIndex((step) => step.type === 'window');
  const compiled = (from: number, to: number): RowStage =>
    rowStage(
      spec.steps.slice(from, to).map((step, offset) => ({
        index: from + offset,
        type: step.type,
        run: compileRowStep(step, from + offset, options.modules),
      })),
      report,
    );
  const windowStep = windowIndex >= 0 ? spec.steps[windowIndex] : undefined;
  let window: CompiledTransform['window'] = null;
  if (windowStep?.type === 'window') {
    if (!options.createWindowOperator)
      throw new InputError(`${stepLabel(windowIndex, 'window')}window steps cannot run here`);
    window = {
      tallyIndex: windowIndex,
      operator: options.createWindowOperator(windowStep),
      tail: compiled(windowIndex + 1, spec.steps.length),
    };
  }
  const steps = spec.steps.map((step, index) => ({ step: index + 1, type: step.type }));
  return {
    name: options.name ?? spec.name ?? 'transform',
    head: compiled(0, windowIndex >= 0 ? windowIndex : spec.steps.length),
    window,
    inputFields: inputFieldsRead(spec),
    newTally: (): StepTally =>
      steps.map(({ step, type }) => ({
        step,
        type,
        in: 0,
        out: 0,
        dropped: 0,
        errors: 0,
        late: 0,
      })),
  };
}

function compileRowStep(
  step: TransformStep,
  index: number,
  modules: ReadonlyMap<string, RowFunction> | undefined,
): RowStep {
  switch (step.type) {
    case 'select':
      return selectStep(step);
    case 'map':
      return mapStep(step);
    case 'filter':
      return filterStep(step);
    case 'derive':
      return deriveStep(step);
    case 'cast':
      return castStep(step);
    case 'module': {
      const run = modules?.get(step.path);
      if (!run)
        throw new InputError(`${stepLabel(index, 'module')}path: "${step.path}" was not loaded`);
      return moduleStep(run);
    }
    case 'window':
      throw new Error('a window step is not a row step');
  }
}

function rowStage(
  steps: CompiledStep[],
  report: (step: CompiledStep, message: string, row: Row) => void,
): RowStage {
  /** One row through the steps from `from` on, depth first, its outputs appended to `out`. */
  const through = (row: Row, from: number, tally: StepTally, out: Row[]): void => {
    let current = row;
    for (let s = from; s < steps.length; s++) {
      const step = steps[s]!;
      const counter = tally[step.index]!;
      counter.in++;
      let result: Row | Row[] | null;
      try {
        result = step.run(current);
      } catch (error) {
        if (!(error instanceof RowValueError)) throw error;
        counter.errors++;
        report(step, error.message, current);
        if (!(error instanceof RecoveredRowError)) return;
        counter.out++;
        current = error.row;
        continue;
      }
      if (result === null || (Array.isArray(result) && result.length === 0)) {
        counter.dropped++;
        return;
      }
      if (Array.isArray(result)) {
        counter.out += result.length;
        for (const split of result) through(split, s + 1, tally, out);
        return;
      }
      counter.out++;
      current = result;
    }
    out.push(current);
  };
  return {
    runInto: (row, tally, out) => through(row, 0, tally, out),
    run(rows, tally) {
      const out: Row[] = [];
      for (const row of rows) through(row, 0, tally, out);
      return out;
    },
  };
}
