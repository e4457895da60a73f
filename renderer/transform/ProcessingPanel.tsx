// The Processing step: the transform builder. A preset menu, the spec's steps as forms, the spec
// as JSON (import, export, edit), and a live preview of the open dataset's first rows through
// the transform — run by the engine, the same code the workers run — with what each step did.
// The transform applies to the next stream.
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import {
  PRESETS,
  STEP_TYPES,
  type CommandResults,
  type DatasetSummary,
  type ParquetStreamerApi,
} from '../../main/api/contract';
import { downloadBytes } from '../chart/chartExport';
import { describedBy, Field } from '../components/Field';
import { RowsTable } from '../components/RowsTable';
import { formatCount } from '../format/units';
import { StepForm } from './StepForm';
import './transform.css';
import {
  appendStep,
  editedDraft,
  importedDraft,
  newStep,
  presetDraft,
  referenceOfDraft,
  specOfDraft,
  stepOfError,
  type DraftStep,
  type TransformDraft,
} from './transformDraft';

const PREVIEW_ROWS = 100;
const SHOWN_ROWS = 10;
/** typing settles for this long before the engine previews it */
const PREVIEW_DELAY_MS = 300;

type Preview = CommandResults['previewTransform'];

/** The engine's message without the transport's "previewTransform: transform: " prefix. */
function plainError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^previewTransform: transform: /, '');
}

export function ProcessingPanel(props: {
  dataset: DatasetSummary | null;
  draft: TransformDraft;
  onDraft: (draft: TransformDraft) => void;
  previewTransform: ParquetStreamerApi['previewTransform'];
}) {
  const { dataset, draft, onDraft, previewTransform } = props;
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string>();
  const [previewing, setPreviewing] = useState(false);
  const [stepFields, setStepFields] = useState<(string[] | null)[]>([]);
  const [newType, setNewType] = useState<DraftStep['type']>('filter');
  const [pendingPreset, setPendingPreset] = useState('');
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const requests = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const datasetFields = dataset?.fields.map((field) => field.name) ?? [];
  const datasetPath = dataset?.path;

  useEffect(() => setJsonText(JSON.stringify(specOfDraft(draft), null, 2)), [draft]);

  useEffect(() => {
    const request = ++requests.current;
    if (!datasetPath || draft.steps.length === 0) {
      setPreview(null);
      setPreviewError(undefined);
      setPreviewing(false);
      return;
    }
    setPreviewing(true);
    const timer = setTimeout(() => {
      previewTransform({ transform: referenceOfDraft(draft), limit: PREVIEW_ROWS }).then(
        (result) => {
          if (request !== requests.current) return;
          setPreview(result);
          setStepFields(result.stepFields);
          setPreviewError(undefined);
          setPreviewing(false);
        },
        (error: unknown) => {
          if (request !== requests.current) return;
          setPreview(null);
          setPreviewError(plainError(error));
          setPreviewing(false);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, datasetPath, previewTransform]);

  const errorStep = previewError === undefined ? null : stepOfError(previewError);
  const fieldsAt = (index: number): string[] => stepFields[index] ?? datasetFields;
  const outputFields = preview?.rows[0]
    ? Object.keys(preview.rows[0])
    : fieldsAt(draft.steps.length - 1);

  const setSteps = (steps: TransformDraft['steps']) => onDraft(editedDraft(draft, steps));
  // the menu shows the draft's preset, or one that still waits for its parameter
  const [presetName, presetParameter] = draft.preset
    ? [draft.preset.split(':')[0]!, draft.preset.split(':').slice(1).join(':')]
    : [pendingPreset, ''];
  const selected = presetName ? PRESETS[presetName] : undefined;

  function choosePreset(name: string, parameter: string) {
    const preset = PRESETS[name];
    if (preset?.parameter && !parameter) {
      setPendingPreset(name);
      return;
    }
    setPendingPreset('');
    if (preset) onDraft(presetDraft(preset.parameter ? `${name}:${parameter}` : name));
  }

  function applyJson(text: string, source: string) {
    try {
      onDraft(importedDraft(text, source));
      setJsonError(undefined);
    } catch (error) {
      setJsonError((error as Error).message);
    }
  }

  async function importFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) applyJson(await file.text(), file.name);
  }

  const fileBase = (draft.name.trim() || 'transform').replace(/[^\w.-]+/g, '-');
  return (
    <section className="panel panel-wide" aria-labelledby="processing-title">
      <h2 id="processing-title">Processing</h2>
      <p className="field-hint">
        What the workers do to each row. It applies to the next stream:{' '}
        <strong data-testid="transform-current">
          {draft.preset ?? (draft.name.trim() || 'custom transform')}
        </strong>
      </p>
      <div className="row-form">
        <Field id="transform-preset" label="Preset" hint={selected?.description}>
          <select
            {...describedBy('transform-preset', undefined, selected?.description)}
            value={presetName}
            onChange={(event) => choosePreset(event.target.value, '')}
          >
            <option value="">{draft.steps.length > 0 ? '(edited)' : 'choose a preset…'}</option>
            {Object.keys(PRESETS).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        {selected?.parameter && (
          <Field id="transform-preset-parameter" label={selected.parameter}>
            <select
              id="transform-preset-parameter"
              value={presetParameter}
              onChange={(event) => choosePreset(presetName, event.target.value)}
            >
              <option value="">choose…</option>
              {datasetFields.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="transform-name" label="Name">
          <input
            id="transform-name"
            type="text"
            value={draft.name}
            placeholder="my-transform"
            spellCheck={false}
            onChange={(event) => onDraft({ ...draft, preset: null, name: event.target.value })}
          />
        </Field>
      </div>

      <div className="transform-steps">
        {draft.steps.length === 0 && <p className="empty">No steps: add one below.</p>}
        {draft.steps.map(({ id, step }, index) => (
          <StepForm
            key={id}
            step={step}
            index={index}
            count={draft.steps.length}
            fields={fieldsAt(index)}
            error={errorStep === index ? previewError : undefined}
            onChange={(changed) =>
              setSteps(
                draft.steps.map((entry) => (entry.id === id ? { id, step: changed } : entry)),
              )
            }
            onMove={(to) => {
              const steps = [...draft.steps];
              const [moved] = steps.splice(index, 1);
              steps.splice(to, 0, moved!);
              setSteps(steps);
            }}
            onRemove={() => setSteps(draft.steps.filter((entry) => entry.id !== id))}
          />
        ))}
      </div>
      <div className="row-form">
        <Field id="transform-new-type" label="Step type">
          <select
            id="transform-new-type"
            value={newType}
            onChange={(event) => setNewType(event.target.value as DraftStep['type'])}
          >
            {STEP_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </Field>
        <span className="button-row">
          <button
            type="button"
            onClick={() => onDraft(appendStep(draft, newStep(newType, outputFields)))}
          >
            Add step
          </button>
        </span>
      </div>

      <details className="transform-json">
        <summary>JSON (the spec the CLI's --transform takes)</summary>
        <Field id="transform-json" label="Transform spec" error={jsonError}>
          <textarea
            {...describedBy('transform-json', jsonError)}
            rows={12}
            spellCheck={false}
            value={jsonText}
            onChange={(event) => setJsonText(event.target.value)}
          />
        </Field>
        <span className="button-row">
          <button type="button" onClick={() => applyJson(jsonText, 'the JSON')}>
            Apply JSON
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Import JSON…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            aria-label="Transform spec file"
            onChange={(event) => void importFile(event)}
          />
          <button
            type="button"
            onClick={() =>
              downloadBytes(
                `${JSON.stringify(specOfDraft(draft), null, 2)}\n`,
                `${fileBase}.json`,
                'application/json',
              )
            }
          >
            Export JSON
          </button>
        </span>
      </details>

      <TransformPreview
        dataset={dataset}
        preview={preview}
        error={
          errorStep === null
            ? previewError
            : previewError && `the preview waits for step ${errorStep + 1} (see its message above)`
        }
        busy={previewing}
      />
    </section>
  );
}

function TransformPreview(props: {
  dataset: DatasetSummary | null;
  preview: Preview | null;
  /** an error not about one step (those show beside their step, and this points there) */
  error?: string;
  busy: boolean;
}) {
  const { preview } = props;
  const rows = preview?.rows.slice(0, SHOWN_ROWS) ?? [];
  return (
    <div
      className="transform-preview"
      data-testid="transform-preview"
      data-state={props.busy ? 'busy' : props.error ? 'error' : preview ? 'ready' : 'empty'}
      aria-live="polite"
    >
      <h3>Preview{preview ? `: ${formatCount(preview.steps[0]?.in ?? 0)} first rows` : ''}</h3>
      {!props.dataset && <p className="empty">Open a dataset to preview the transform.</p>}
      {props.error && (
        <p className="field-error" role="alert">
          {props.error}
        </p>
      )}
      {preview && (
        <>
          <div className="table-scroll">
            <table data-testid="transform-step-counts">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="number">
                    In
                  </th>
                  <th scope="col" className="number">
                    Out
                  </th>
                  <th scope="col" className="number">
                    Dropped
                  </th>
                  <th scope="col" className="number">
                    Errors
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.steps.map((step) => (
                  <tr key={step.step}>
                    <td>{step.step}</td>
                    <td>{step.type}</td>
                    <td className="number">{formatCount(step.in)}</td>
                    <td className="number">{formatCount(step.out)}</td>
                    <td className="number">{formatCount(step.dropped)}</td>
                    <td className="number">{formatCount(step.errors)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length === 0 ? (
            <p className="empty">No row comes out of these first rows.</p>
          ) : (
            <RowsTable rows={rows} testId="transform-rows" />
          )}
        </>
      )}
    </div>
  );
}
