// Which fetched records a read_committed consumer keeps (kafkajs' consumer/filterAbortedMessages,
// replaced by main/broker/kafkajs.ts). kafkajs walks the fetch response's aborted transactions in
// the order the broker lists them and takes at most one per record. The broker lists them in the
// order their abort markers were written, not by first offset, so when two producers' aborted
// transactions interleave in a partition (two workers' transactions, or one worker's transactions
// of several input partitions, both open when it was killed), kafkajs missed the one that began
// first and handed its records on as committed. As Kafka's Java consumer does (CompletedFetch):
// the aborted transactions by first offset; before each record, every one that has begun by then
// marks its producer as aborting, until that producer's abort marker.

/** A fetched record as far as this reads it (fetchDecode.ts makes them). */
interface FetchedRecord {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}

interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

/** A control record's key: version 0, then type 0 for an abort marker (1: commit). */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

export function filterAbortedMessages<M extends FetchedRecord>({
  messages,
  abortedTransactions,
}: {
  messages: M[];
  abortedTransactions?: AbortedTransaction[];
}): M[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = abortedTransactions
    .map((aborted) => ({
      producerId: String(aborted.producerId),
      first: BigInt(aborted.firstOffset),
    }))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const aborting = new Set<string>();
  let next = 0;
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (next < pending.length && pending[next]!.first <= offset) {
      aborting.add(pending[next]!.producerId);
      next++;
    }
    const { producerId, inTransaction } = message.batchContext;
    if (message.isControlRecord && message.key !== null && ABORT_MARKER_KEY.equals(message.key)) {
      aborting.delete(producerId);
      return true;
    }
    return !(inTransaction && aborting.has(producerId));
  });
}
