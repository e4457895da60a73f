// Free ports for local brokers come from below the system's ephemeral range (read from Linux's
// ip_local_port_range), where no outgoing connection can take one before the broker binds it,
// and something can listen on each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { freePort } from '../../main/broker/localBroker';

function listenOn(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

test('free ports lie below the ephemeral range and can be listened on', async () => {
  const [ephemeralFrom] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    assert.ok(
      port > 1024 && port < ephemeralFrom!,
      `port ${port} (ephemeral from ${ephemeralFrom})`,
    );
    await listenOn(port);
  }
});
