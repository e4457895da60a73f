// The one rule for a topic name the user gives, used by every command, the app's API and the
// worker: Kafka's legal names, minus the internal ones. A name starting with "__" belongs to
// Kafka itself (__consumer_offsets, __transaction_state); creating or writing one breaks every
// consumer group on the cluster. No Node imports: the renderer's form uses it too.
import { z } from 'zod';
import { InputError } from './errors';

/** Kafka refuses longer names. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** What is wrong with `name` as a user's topic, in a phrase; null when it is fine. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return 'topic names may use letters, digits, ".", "_" and "-" only';
  }
  if (name === '.' || name === '..') return 'a topic cannot be named "." or ".."';
  if (name.startsWith('__')) {
    return `"${name}" is reserved: names starting with "__" are Kafka's internal topics — choose another name`;
  }
  return null;
}

/** Returns `name`, or throws a one-line InputError that starts with `field` (a flag or "topic"). */
export function checkTopicName(name: string, field: string): string {
  const problem = topicNameProblem(name);
  if (problem !== null) throw new InputError(`${field}: ${problem}`);
  return name;
}

/** The same rule as a schema, for the API contract and option schemas. */
export const topicNameSchema = z.string().superRefine((name, context) => {
  const problem = topicNameProblem(name);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem });
});
