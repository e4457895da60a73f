// The app's connection form read as Kafka properties: the same validation and one-line errors as
// a --client-config file, fields that do not apply to the protocol left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionFormConfig } from '../../main/broker/connectionTest';

test('a SASL_SSL form becomes the same configuration a properties file gives', () => {
  assert.deepEqual(
    connectionFormConfig({
      bootstrapServers: 'b1.example.com:9093,b2.example.com:9093',
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'PLAIN',
      username: 'key',
      password: 'secret',
      caFile: '/etc/kafka/ca.pem',
    }),
    {
      brokers: ['b1.example.com:9093', 'b2.example.com:9093'],
      security: {
        protocol: 'SASL_SSL',
        sasl: { mechanism: 'PLAIN', username: 'key', password: 'secret' },
        tls: {
          caFile: '/etc/kafka/ca.pem',
          certificateFile: undefined,
          keyFile: undefined,
          keyPassword: undefined,
          checkHostname: true,
        },
      },
    },
  );
});

test('credentials left in the form do not apply to PLAINTEXT', () => {
  assert.deepEqual(
    connectionFormConfig({
      bootstrapServers: '10.0.0.1:9092',
      securityProtocol: 'PLAINTEXT',
      saslMechanism: 'SCRAM-SHA-512',
      username: 'left-over',
      password: 'left-over',
    }),
    { brokers: ['10.0.0.1:9092'], security: { protocol: 'PLAINTEXT' } },
  );
});

test('mistakes are one line naming the property', () => {
  assert.throws(
    () =>
      connectionFormConfig({
        bootstrapServers: 'h:9093',
        securityProtocol: 'SASL_SSL',
        saslMechanism: 'SCRAM-SHA-256',
        username: 'u',
      }),
    /^InputError: connection: the password is missing — type it in the form$/,
  );
  assert.throws(
    () =>
      connectionFormConfig({
        bootstrapServers: 'h:9093',
        securityProtocol: 'SSL',
        caFile: 'ca.pem',
      }),
    /^InputError: connection: ssl\.ca\.location must be an absolute path$/,
  );
});
