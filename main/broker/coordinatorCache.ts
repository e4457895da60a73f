// kafkajs looks a coordinator up again before every request that goes to one: a worker's
// transaction (AddPartitionsToTxn per send, AddOffsetsToTxn, TxnOffsetCommit, EndTxn) sent five
// FindCoordinator requests, each a round trip, beside its own five. The Java client keeps a
// coordinator until a request to it fails; so does this. Each client's cluster remembers the
// broker it found per coordinator type and group (or transactional) id, lookups made meanwhile
// share the one request, and a request to that broker failing for the coordinator's sake — it
// moved (NOT_COORDINATOR), is not available, or the connection to it failed — makes the next
// lookup ask again. Other failures (CONCURRENT_TRANSACTIONS, a coordinator still loading) keep it.

export interface CoordinatorLookup {
  groupId: string;
  coordinatorType?: number;
}

type FindCoordinator<B extends object> = (this: object, lookup: CoordinatorLookup) => Promise<B>;

/** kafkajs' names for the answers that say another broker may be the coordinator now. */
const STALE_COORDINATOR_TYPES = new Set([
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
]);
const LOST_CONNECTION_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
]);

function isStaleCoordinator(error: unknown): boolean {
  const { type, name } = (error ?? {}) as { type?: unknown; name?: unknown };
  return (
    (typeof type === 'string' && STALE_COORDINATOR_TYPES.has(type)) ||
    (typeof name === 'string' && LOST_CONNECTION_NAMES.has(name))
  );
}

/** `find` (kafkajs' Cluster#findGroupCoordinator) with its answers kept per cluster. */
export function rememberCoordinators<B extends object>(
  find: FindCoordinator<B>,
): FindCoordinator<B> {
  const known = new WeakMap<object, Map<string, Promise<B>>>();
  return function findRemembered(this: object, lookup: CoordinatorLookup): Promise<B> {
    let byKey = known.get(this);
    if (!byKey) known.set(this, (byKey = new Map()));
    const key = `${lookup.coordinatorType ?? 0}\u0000${lookup.groupId}`;
    const cached = byKey.get(key);
    if (cached) return cached;
    const forget = () => {
      if (byKey.get(key) === found) byKey.delete(key);
    };
    const found: Promise<B> = find
      .call(this, lookup)
      .then((broker) => forgottenOnFailure(broker, forget));
    byKey.set(key, found);
    found.catch(forget);
    return found;
  };
}

/** The broker as it is, except that a request of it failing for a stale coordinator calls `forget`. */
function forgottenOnFailure<B extends object>(broker: B, forgetAll: () => void): B {
  const forget = (error: unknown) => {
    if (isStaleCoordinator(error)) forgetAll();
  };
  return new Proxy(broker, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = Reflect.apply(value, target, args);
          if (result instanceof Promise) result.catch(forget);
          return result;
        } catch (error) {
          forget(error);
          throw error;
        }
      };
    },
  });
}
