// Provides the Kafka broker jars: KAFKA_HOME when it points at an unpacked distribution,
// otherwise a pinned release fetched once with Maven into the per-user cache
// (~/.cache/parquet-streamer/kafka/<version>/libs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentError } from '../shared/errors';
import { checkJava, checkMaven } from './javaToolchain';

/** The Kafka release the app runs; kafkajs 2.2.4 was verified against it (see README). */
export const KAFKA_VERSION = '4.1.1';
const LOG4J_VERSION = '2.24.3';
const SLF4J_VERSION = '2.0.17';
/** Maven reports roughly this many downloads for a cold cache (jars and poms). */
const EXPECTED_DOWNLOADS = 420;
const PROVISION_TIMEOUT_MS = 15 * 60_000;

export interface KafkaDistribution {
  version: string;
  /** folder holding every jar the broker and Kafka's tools need */
  libsDir: string;
  source: 'KAFKA_HOME' | 'cache';
}

export type ProvisionProgress = (fraction: number, detail: string) => void;

export function cacheRoot(): string {
  if (process.env.PS_CACHE_DIR) return process.env.PS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'parquet-streamer');
}

export function classpathOf(distribution: KafkaDistribution): string {
  return path.join(distribution.libsDir, '*');
}

export async function resolveKafkaDistribution(
  onProgress: ProvisionProgress = () => {},
): Promise<KafkaDistribution> {
  await checkJava();
  if (process.env.KAFKA_HOME) return fromKafkaHome(process.env.KAFKA_HOME);
  const versionDir = path.join(cacheRoot(), 'kafka', KAFKA_VERSION);
  const libsDir = path.join(versionDir, 'libs');
  if (existsSync(path.join(versionDir, 'COMPLETE'))) {
    return { version: KAFKA_VERSION, libsDir, source: 'cache' };
  }
  await checkMaven();
  await provisionWithMaven(versionDir, onProgress);
  return { version: KAFKA_VERSION, libsDir, source: 'cache' };
}

async function fromKafkaHome(kafkaHome: string): Promise<KafkaDistribution> {
  const libsDir = path.join(kafkaHome, 'libs');
  const jars = existsSync(libsDir) ? await fs.readdir(libsDir) : [];
  const brokerJar = jars.find((name) => /^kafka_2\.\d+-[\d.]+\.jar$/.test(name));
  if (!brokerJar) {
    throw new EnvironmentError(
      `KAFKA_HOME=${kafkaHome} has no libs/kafka_2.13-<version>.jar — point it at an unpacked ` +
        'Kafka distribution, or unset it to let the app fetch Kafka with Maven',
    );
  }
  const version = /-([\d.]+)\.jar$/.exec(brokerJar)?.[1] ?? 'unknown';
  return { version, libsDir, source: 'KAFKA_HOME' };
}

export function renderPom(version: string): string {
  const dependency = (group: string, artifact: string, v: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId>` +
    `<version>${v}</version></dependency>`;
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>parquet-streamer</groupId><artifactId>kafka-broker-jars</artifactId>',
    `  <version>${version}</version><packaging>pom</packaging>`,
    '  <dependencies>',
    dependency('org.apache.kafka', 'kafka_2.13', version),
    dependency('org.apache.kafka', 'kafka-tools', version),
    dependency('org.apache.logging.log4j', 'log4j-slf4j2-impl', LOG4J_VERSION),
    dependency('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION),
    '  </dependencies>',
    '  <dependencyManagement><dependencies>',
    dependency('org.slf4j', 'slf4j-api', SLF4J_VERSION),
    '  </dependencies></dependencyManagement>',
    '</project>',
    '',
  ].join('\n');
}

/** Maven's arguments that copy a pom's runtime dependencies (jars) into `libs`. */
export function copyDependenciesArgs(pom: string, libs: string): string[] {
  return [
    '-B',
    '-f',
    pom,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${libs}`,
    '-DincludeScope=runtime',
  ];
}

/** Fetches the jars into a private folder, then renames it into place, so a cache is whole or absent. */
async function provisionWithMaven(
  versionDir: string,
  onProgress: ProvisionProgress,
): Promise<void> {
  const staging = `${versionDir}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  await fs.writeFile(path.join(staging, 'pom.xml'), renderPom(KAFKA_VERSION));
  onProgress(0, `fetching Apache Kafka ${KAFKA_VERSION} with Maven`);
  const outputTail: string[] = [];
  let downloads = 0;
  const exitCode = await new Promise<number>((resolve, reject) => {
    const mvn = spawn(
      'mvn',
      copyDependenciesArgs(path.join(staging, 'pom.xml'), path.join(staging, 'libs')),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const timer = setTimeout(() => mvn.kill('SIGKILL'), PROVISION_TIMEOUT_MS);
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        outputTail.push(line);
        if (outputTail.length > 20) outputTail.shift();
        if (line.includes('Downloaded from')) {
          downloads += 1;
          onProgress(
            Math.min(0.99, downloads / EXPECTED_DOWNLOADS),
            `downloaded ${downloads} files`,
          );
        }
      }
    };
    mvn.stdout.on('data', onLine);
    mvn.stderr.on('data', onLine);
    mvn.on('error', reject);
    mvn.on('close', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
  if (exitCode !== 0) {
    await fs.rm(staging, { recursive: true, force: true });
    const reason = outputTail
      .filter((line) => line.includes('ERROR'))
      .slice(0, 2)
      .join(' ');
    throw new EnvironmentError(
      `Maven could not fetch Apache Kafka ${KAFKA_VERSION} (exit ${exitCode}) — check that ` +
        `Maven can reach its repository, or set KAFKA_HOME. ${reason}`.trim(),
    );
  }
  await fs.writeFile(path.join(staging, 'COMPLETE'), new Date().toISOString() + '\n');
  await fs.mkdir(path.dirname(versionDir), { recursive: true });
  try {
    await fs.rename(staging, versionDir);
  } catch (error) {
    // Another process finished first: its copy is as good as ours.
    await fs.rm(staging, { recursive: true, force: true });
    if (!existsSync(path.join(versionDir, 'COMPLETE'))) throw error;
  }
  onProgress(1, `Apache Kafka ${KAFKA_VERSION} is ready`);
}
