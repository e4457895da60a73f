// Every TCP client socket this process opens to one of the test brokers' ports, for tests that
// check a component closes every Kafka connection it made (kafkajs' disconnect ends them).
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { testBrokers } from './testBroker';

const brokerPorts = new Set(testBrokers().map((broker) => Number(broker.split(':').pop())));
const brokerSockets: Socket[] = [];
subscribe('net.client.socket', (message) => {
  const { socket } = message as { socket: Socket };
  socket.once('connect', () => {
    if (brokerPorts.has(socket.remotePort ?? -1)) brokerSockets.push(socket);
  });
});

/** how many broker sockets have been opened so far: pass it to openBrokerSockets later */
export const brokerSocketCount = () => brokerSockets.length;

/** sockets to a test broker opened since `from` that no client has ended */
export const openBrokerSockets = (from: number) =>
  brokerSockets.slice(from).filter((socket) => !socket.destroyed && !socket.writableEnded).length;
