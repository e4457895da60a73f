// A labelled form field with its error shown right beside it (and announced to screen readers).
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
      {props.hint && !props.error && (
        <small className="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </small>
      )}
      {props.error && (
        <span className="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

/** Attributes that tie an input to its Field's hint or error. */
export function describedBy(id: string, error?: string, hint?: string) {
  const describer = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describer };
}
