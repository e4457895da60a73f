// Missing Java or Maven is reported in one line that says what to install.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkJava, checkMaven } from '../../main/broker/javaToolchain';
import { EnvironmentError } from '../../main/shared/errors';

async function withEnv(changes: Record<string, string>, work: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(changes).map((key) => [key, process.env[key]]));
  Object.assign(process.env, changes);
  try {
    await work();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

test('the installed Java is 17 or newer', async () => {
  assert.ok((await checkJava()) >= 17);
});

test('a Java that does not run names what to install', async () => {
  await withEnv({ JAVA_HOME: '/nonexistent-jdk' }, async () => {
    await assert.rejects(checkJava(), (error: Error) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(
        error.message,
        /^Java 17\+ is needed .* install a JDK \(e\.g\. `apt-get install openjdk-17-jre-headless`\)/,
      );
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  });
});

test('missing Maven names what to install and the KAFKA_HOME alternative', async () => {
  await withEnv({ PATH: '/nonexistent-bin' }, async () => {
    await assert.rejects(checkMaven(), (error: Error) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(error.message, /^Maven \(`mvn`\) is needed .*apt-get install maven.*KAFKA_HOME/);
      return true;
    });
  });
});
