// Finds Java (17 or newer) and Maven, which the embedded broker needs, and says what to
// install when either is missing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../shared/errors';

const run = promisify(execFile);
export const MIN_JAVA_MAJOR = 17;

/** `java -version` prints e.g. `openjdk version "17.0.15"` or `"1.8.0_392"` on stderr. */
export function parseJavaMajor(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

export function javaCommand(): string {
  return process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';
}

export async function checkJava(): Promise<number> {
  let output: string;
  try {
    const { stdout, stderr } = await run(javaCommand(), ['-version'], { timeout: 15_000 });
    output = stderr + stdout;
  } catch (error) {
    throw new EnvironmentError(
      `Java ${MIN_JAVA_MAJOR}+ is needed for the embedded Kafka broker and \`${javaCommand()}\` ` +
        'did not run — install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) or use ' +
        'an existing cluster with --brokers',
      { cause: error },
    );
  }
  const major = parseJavaMajor(output);
  if (major === null || major < MIN_JAVA_MAJOR) {
    throw new EnvironmentError(
      `Java ${MIN_JAVA_MAJOR}+ is needed for the embedded Kafka broker, found ` +
        `${major ?? 'an unknown version'} — install a newer JDK or set JAVA_HOME to one`,
    );
  }
  return major;
}

export async function checkMaven(): Promise<void> {
  try {
    await run('mvn', ['-v'], { timeout: 30_000 });
  } catch (error) {
    throw new EnvironmentError(
      'Maven (`mvn`) is needed once to fetch the Kafka broker jars — install it ' +
        '(e.g. `apt-get install maven`), or set KAFKA_HOME to an unpacked Kafka distribution',
      { cause: error },
    );
  }
}
