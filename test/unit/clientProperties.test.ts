// Client properties files, written by hand as a user would: every supported key, Java
// properties syntax (comments, separators, continued lines, escapes), JAAS configs for the
// PLAIN and SCRAM login modules, and one-line errors naming the file and the property.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  clientConfigFrom,
  loadClientConfig,
  parseJaasConfig,
  parseProperties,
  SASL_PASSWORD_VARIABLE,
} from '../../main/broker/clientProperties';
import { InputError } from '../../main/shared/errors';

const FILE = '/etc/kafka/client.properties';

function failsWith(text: string, message: string, environment = {}) {
  assert.throws(
    () => clientConfigFrom(text, FILE, environment),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, message);
      assert.ok(!error.message.includes('\n'));
      return true;
    },
  );
}

test('reads Java properties: comments, = : and space separators, continued lines, escapes', () => {
  const entries = parseProperties(
    [
      '# a comment',
      '! another comment',
      '',
      'a=1',
      'b : two words ',
      'c 3',
      '  d=first \\',
      '     second',
      'e=tab\\there\\u0041',
      'f\\=g=h',
      'empty=',
    ].join('\n'),
  );
  assert.deepEqual(Object.fromEntries(entries), {
    a: '1',
    b: 'two words ',
    c: '3',
    d: 'first second',
    e: 'tab\thereA',
    'f=g': 'h',
    empty: '',
  });
});

test('SASL_SSL with SCRAM-SHA-512 through sasl.jaas.config, CA and client certificate', () => {
  const config = clientConfigFrom(
    [
      'bootstrap.servers=broker-1.example.com:9093, broker-2.example.com:9093',
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
      '    username="alice" \\',
      // JAAS quotes escaped as \" , written \\" in a properties file
      '    password="p@ss \\\\"word\\\\"";',
      'ssl.ca.location=certs/ca.pem',
      'ssl.certificate.location=/abs/client.pem',
      'ssl.key.location=certs/client.key',
      'ssl.key.password=key-secret',
      'ssl.endpoint.identification.algorithm=',
    ].join('\n'),
    FILE,
  );
  assert.deepEqual(config, {
    brokers: ['broker-1.example.com:9093', 'broker-2.example.com:9093'],
    security: {
      protocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'p@ss "word"' },
      tls: {
        caFile: '/etc/kafka/certs/ca.pem',
        certificateFile: '/abs/client.pem',
        keyFile: '/etc/kafka/certs/client.key',
        keyPassword: 'key-secret',
        checkHostname: false,
      },
    },
  });
});

test('PLAIN with sasl.username and sasl.password (librdkafka names), system CAs', () => {
  const config = clientConfigFrom(
    [
      'bootstrap.servers=pkc-1.region.cloud:9092',
      'security.protocol=SASL_SSL',
      'sasl.mechanisms=PLAIN',
      'sasl.username=KEY123',
      'sasl.password=SECRET456',
    ].join('\n'),
    FILE,
  );
  assert.deepEqual(config.security, {
    protocol: 'SASL_SSL',
    sasl: { mechanism: 'PLAIN', username: 'KEY123', password: 'SECRET456' },
    tls: {
      caFile: undefined,
      certificateFile: undefined,
      keyFile: undefined,
      keyPassword: undefined,
      checkHostname: true,
    },
  });
});

test('SASL_PLAINTEXT with SCRAM-SHA-256 and the password from the environment', () => {
  const config = clientConfigFrom(
    'bootstrap.servers=10.0.0.5:9092\nsecurity.protocol=SASL_PLAINTEXT\n' +
      'sasl.mechanism=SCRAM-SHA-256\nsasl.username=bob\n',
    FILE,
    { [SASL_PASSWORD_VARIABLE]: 'from-env' },
  );
  assert.deepEqual(config.security, {
    protocol: 'SASL_PLAINTEXT',
    sasl: { mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'from-env' },
  });
});

test('PLAINTEXT is the default protocol; SSL alone needs no SASL', () => {
  assert.deepEqual(clientConfigFrom('bootstrap.servers=127.0.0.1:9092', FILE), {
    brokers: ['127.0.0.1:9092'],
    security: { protocol: 'PLAINTEXT' },
  });
  const ssl = clientConfigFrom(
    'bootstrap.servers=h:9093\nsecurity.protocol=SSL\nssl.ca.location=/ca.pem',
    FILE,
  );
  assert.equal(ssl.security.sasl, undefined);
  assert.equal(ssl.security.tls?.caFile, '/ca.pem');
  assert.equal(ssl.security.tls?.checkHostname, true);
});

test('JAAS configs: PlainLoginModule and ScramLoginModule, quoted and bare values', () => {
  const fail = (problem: string): never => {
    throw new Error(problem);
  };
  assert.deepEqual(
    parseJaasConfig(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="u1" password="p;1";',
      fail,
    ),
    { module: 'plain', username: 'u1', password: 'p;1' },
  );
  assert.deepEqual(
    parseJaasConfig(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username=u2 password=p2',
      fail,
    ),
    { module: 'scram', username: 'u2', password: 'p2' },
  );
  assert.throws(
    () =>
      parseJaasConfig(
        'com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;',
        fail,
      ),
    /login module com\.sun\.security\.auth\.module\.Krb5LoginModule is not supported/,
  );
  assert.throws(
    () =>
      parseJaasConfig(
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="u";',
        fail,
      ),
    /give both username="…" and password="…"/,
  );
});

test('unknown and unsupported properties are named in one line', () => {
  failsWith(
    'bootstrap.servers=h:9092\nclient.dns.lookup=use_all_dns_ips\nacks=all',
    'client.properties: unsupported properties client.dns.lookup, acks — supported: ' +
      'bootstrap.servers, security.protocol, sasl.mechanism, sasl.mechanisms, sasl.jaas.config, ' +
      'sasl.username, sasl.password, ssl.ca.location, ssl.certificate.location, ' +
      'ssl.key.location, ssl.key.password, ssl.endpoint.identification.algorithm',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SSL\nssl.truststore.location=/t.jks',
    'client.properties: unsupported property ssl.truststore.location — ' +
      'ssl.truststore.location: use ssl.ca.location with a PEM file',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=GSSAPI',
    'client.properties: sasl.mechanism "GSSAPI" is not supported — use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=TLS',
    'client.properties: security.protocol "TLS" is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
  );
});

test('missing required properties are named', () => {
  failsWith(
    'security.protocol=SSL',
    'client.properties: bootstrap.servers is required (host:port,… of the cluster)',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SASL_SSL\nsasl.username=u\nsasl.password=p',
    'client.properties: sasl.mechanism is required for security.protocol=SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN',
    'client.properties: sasl.jaas.config (or sasl.username and sasl.password) is required for SASL',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.username=u',
    `client.properties: sasl.password is missing — add it to the file or set ${SASL_PASSWORD_VARIABLE}`,
  );
});

test('contradictions are named', () => {
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n' +
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
    'client.properties: sasl.jaas.config uses ScramLoginModule but sasl.mechanism is PLAIN — use PlainLoginModule',
  );
  failsWith(
    'bootstrap.servers=h:9092\nsasl.mechanism=PLAIN',
    'client.properties: sasl.mechanism do not apply to security.protocol=PLAINTEXT — remove them or change the protocol',
  );
  failsWith(
    'bootstrap.servers=h:9093\nsecurity.protocol=SSL\nssl.certificate.location=/c.pem',
    'client.properties: a client certificate needs both ssl.certificate.location and ssl.key.location',
  );
  failsWith(
    'bootstrap.servers=h:abc',
    'client.properties: bootstrap.servers: "h:abc" is not host:port — write brokers like 127.0.0.1:9092',
  );
});

test('loading a file: a missing file or an unreadable certificate is one line', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-props-'));
  try {
    assert.throws(
      () => loadClientConfig(path.join(dir, 'nope.properties')),
      /^InputError: --client-config: cannot read .*nope\.properties \(ENOENT\) — give the path of a client properties file$/,
    );
    const file = path.join(dir, 'client.properties');
    await writeFile(
      file,
      'bootstrap.servers=h:9093\nsecurity.protocol=SSL\nssl.ca.location=ca.pem\n',
    );
    assert.throws(
      () => loadClientConfig(file),
      new RegExp(
        `^InputError: ssl\\.ca\\.location: cannot read ${dir}/ca\\.pem \\(ENOENT\\) — give a readable PEM file$`,
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
