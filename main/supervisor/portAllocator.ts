// Picks web ports for workers: the lowest port from the base upward that no other worker of
// this supervisor holds and that can be bound right now.
import net from 'node:net';

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function allocatePort(
  host: string,
  basePort: number,
  taken: ReadonlySet<number>,
  isFree: (host: string, port: number) => Promise<boolean> = canListen,
  maxTries = 1_000,
): Promise<number> {
  for (let port = basePort, tries = 0; port <= 65535 && tries < maxTries; port += 1) {
    if (taken.has(port)) continue;
    tries += 1;
    if (await isFree(host, port)) return port;
  }
  throw new Error(`no free port from ${basePort} upward on ${host}`);
}
