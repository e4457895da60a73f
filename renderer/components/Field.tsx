// A labelled form field with its error shown right beside it (and announced to screen readers),
// and the same for a checkbox, whose label sits after the box.
import type { ReactNode } from 'react';

export function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={props.error ? 'field field-invalid' : 'field'}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      <FieldMessage id={props.id} error={props.error} hint={props.hint} />
    </div>
  );
}

export function CheckboxField(props: {
  id: string;
  label: string;
  checked: boolean;
  disabled?: boolean;
  error?: string;
  hint?: string;
  onChange: (checked: boolean) => void;
}) {
  const { id, error, hint } = props;
  return (
    <div className={error ? 'field field-check field-invalid' : 'field field-check'}>
      <label htmlFor={id}>
        <input
          {...describedBy(id, error, hint)}
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          onChange={(event) => props.onChange(event.target.checked)}
        />
        {props.label}
      </label>
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}

function FieldMessage({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  if (error) {
    return (
      <span className="field-error" id={`${id}-error`} role="alert">
        {error}
      </span>
    );
  }
  return hint ? (
    <small className="field-hint" id={`${id}-hint`}>
      {hint}
    </small>
  ) : null;
}

/** Attributes that tie an input to its Field's hint or error. */
export function describedBy(id: string, error?: string, hint?: string) {
  const describer = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describer };
}
