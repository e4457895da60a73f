// The connection form for an existing, possibly secured cluster (managed Kafka, a company
// cluster): bootstrap servers, security protocol, SASL mechanism and credentials, the CA file,
// and "Test connection", which lists the cluster's brokers or says in one line what failed
// (beside the field when the failure is about one, e.g. a missing password).
// Once a test passes, "Use this cluster" points the next streams at it; "Use the local broker"
// switches back. The engine keeps the settings, and the password only where it can encrypt it.
import { useEffect, useState } from 'react';
import type { ClusterConnection, CommandFailure, CommandResults } from '../../main/api/contract';
import type { RunCommand } from '../state/useEngine';
import { describedBy, Field } from './Field';

const PROTOCOLS: ClusterConnection['securityProtocol'][] = [
  'PLAINTEXT',
  'SSL',
  'SASL_PLAINTEXT',
  'SASL_SSL',
];
const CA_HINT = "PEM file on the engine's machine; empty trusts the system's CAs";
const MECHANISMS: NonNullable<ClusterConnection['saslMechanism']>[] = [
  'PLAIN',
  'SCRAM-SHA-256',
  'SCRAM-SHA-512',
];

export function ConnectionForm(props: { run: RunCommand }) {
  const [form, setForm] = useState<ClusterConnection>({
    bootstrapServers: '',
    securityProtocol: 'SASL_SSL',
    saslMechanism: 'SCRAM-SHA-512',
    username: '',
    password: '',
    caFile: '',
  });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  /** the form field the last failure was about */
  const [invalid, setInvalid] = useState<CommandFailure['field'] | null>(null);
  const errorOf = (name: keyof ClusterConnection) =>
    invalid?.name === name ? invalid.message : undefined;
  /** a failure about one of the form's fields goes beside it; any other to the result line */
  function fail(failure: CommandFailure) {
    const name = failure.field?.name;
    const onForm = name !== undefined && Object.prototype.hasOwnProperty.call(form, name);
    setInvalid(onForm ? failure.field : null);
    setOutcome(onForm ? null : { ok: false, text: failure.error });
  }
  /** the form as it was when its test passed: only that form can be used */
  const [tested, setTested] = useState<string | null>(null);
  const [saved, setSaved] = useState<CommandResults['savedConnection'] | null>(null);
  /** what the engine keeps; the first time, its settings fill the form (never a password) */
  async function loadSaved(fill: boolean) {
    const result = await props.run('savedConnection', {});
    if (!result.ok) return;
    setSaved(result.value);
    const { connection } = result.value;
    if (fill && connection) setForm((current) => ({ ...current, ...connection, password: '' }));
  }
  useEffect(() => {
    void loadSaved(true);
  }, []);
  const sasl = form.securityProtocol.startsWith('SASL_');
  const tls = form.securityProtocol.endsWith('SSL');
  const set = (change: Partial<ClusterConnection>) => setForm({ ...form, ...change });

  const request = () => ({ ...form, caFile: form.caFile?.trim() || undefined });

  async function test() {
    setBusy(true);
    setOutcome(null);
    setInvalid(null);
    const result = await props.run('testConnection', request());
    setBusy(false);
    setTested(result.ok ? JSON.stringify(form) : null);
    if (result.ok) setOutcome({ ok: true, text: `connected: brokers ${result.value.join(', ')}` });
    else fail(result);
  }

  async function switchTo(command: 'useCluster' | 'useLocalBroker') {
    setBusy(true);
    const result =
      command === 'useCluster'
        ? await props.run('useCluster', request())
        : await props.run('useLocalBroker', {});
    setBusy(false);
    if (!result.ok) {
      fail(result);
      return;
    }
    setInvalid(null);
    setTested(null);
    await loadSaved(false);
    setOutcome({
      ok: true,
      text:
        command === 'useCluster'
          ? `the next streams use ${result.value.brokers.join(', ')}`
          : 'the next streams use the local broker',
    });
  }

  return (
    <details className="connection-form">
      <summary>Connect to a secured cluster</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void test();
        }}
      >
        <Field id="connection-servers" label="Bootstrap servers">
          <input
            id="connection-servers"
            placeholder="broker-1.example.com:9093,broker-2.example.com:9093"
            value={form.bootstrapServers}
            onChange={(event) => set({ bootstrapServers: event.target.value })}
          />
        </Field>
        <Field id="connection-protocol" label="Security protocol">
          <select
            id="connection-protocol"
            value={form.securityProtocol}
            onChange={(event) =>
              set({ securityProtocol: event.target.value as ClusterConnection['securityProtocol'] })
            }
          >
            {PROTOCOLS.map((protocol) => (
              <option key={protocol}>{protocol}</option>
            ))}
          </select>
        </Field>
        {sasl && (
          <>
            <Field id="connection-mechanism" label="SASL mechanism">
              <select
                id="connection-mechanism"
                value={form.saslMechanism}
                onChange={(event) =>
                  set({
                    saslMechanism: event.target.value as ClusterConnection['saslMechanism'],
                  })
                }
              >
                {MECHANISMS.map((mechanism) => (
                  <option key={mechanism}>{mechanism}</option>
                ))}
              </select>
            </Field>
            <Field id="connection-username" label="Username">
              <input
                id="connection-username"
                autoComplete="username"
                value={form.username}
                onChange={(event) => set({ username: event.target.value })}
              />
            </Field>
            <Field
              id="connection-password"
              label="Password"
              hint={saved?.passwordNote}
              error={errorOf('password')}
            >
              <input
                {...describedBy('connection-password', errorOf('password'), saved?.passwordNote)}
                type="password"
                autoComplete="current-password"
                placeholder={saved?.passwordSaved ? 'saved — leave empty to use it' : ''}
                value={form.password}
                onChange={(event) => set({ password: event.target.value })}
              />
            </Field>
          </>
        )}
        {tls && (
          <Field id="connection-ca" label="CA file" hint={CA_HINT} error={errorOf('caFile')}>
            <input
              {...describedBy('connection-ca', errorOf('caFile'), CA_HINT)}
              placeholder="/etc/kafka/ca.pem"
              value={form.caFile}
              onChange={(event) => set({ caFile: event.target.value })}
            />
          </Field>
        )}
        <button type="submit" disabled={busy || form.bootstrapServers.trim() === ''}>
          {busy ? 'Working…' : 'Test connection'}
        </button>
        {tested === JSON.stringify(form) && (
          <button type="button" disabled={busy} onClick={() => void switchTo('useCluster')}>
            Use this cluster
          </button>
        )}
        {saved?.external && (
          <button type="button" disabled={busy} onClick={() => void switchTo('useLocalBroker')}>
            Use the local broker
          </button>
        )}
        {outcome && (
          <p
            className={outcome.ok ? 'connection-ok' : 'connection-failed'}
            role="status"
            data-testid="connection-result"
          >
            {outcome.text}
          </p>
        )}
      </form>
    </details>
  );
}
