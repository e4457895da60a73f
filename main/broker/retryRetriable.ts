// Retries an admin call while Kafka answers with a retriable error, e.g. NOT_LEADER right after
// a topic was created, when the broker's metadata has not caught up with the controller yet.

export async function retryRetriable<T>(
  work: () => Promise<T>,
  options: { timeoutMs?: number; delayMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    try {
      return await work();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 250));
    }
  }
}
