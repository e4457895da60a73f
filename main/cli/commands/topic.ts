// `parquet-streamer topic create|list|describe|add-partitions` against any cluster.
import type { Command } from 'commander';
import {
  createTopic,
  describeTopic,
  increasePartitions,
  listTopics,
} from '../../broker/topicAdmin';
import { addClientConfigOption, brokersOption, parseWholeNumber } from '../cliOptions';

interface TopicFlags {
  brokers: string[];
  partitions: number;
  replicationFactor?: number;
  json?: boolean;
}

export function registerTopicCommand(program: Command): void {
  const topic = program.command('topic').description('create, list and describe topics');

  addClientConfigOption(topic.command('create <name>'))
    .description('create a topic (does nothing when it exists)')
    .requiredOption('--partitions <n>', 'number of partitions', parseWholeNumber('--partitions'))
    .option(
      '--replication-factor <n>',
      "copies of each partition (default: the cluster's default.replication.factor)",
      parseWholeNumber('--replication-factor'),
    )
    .addOption(brokersOption())
    .action(async (name: string, flags: TopicFlags) => {
      const outcome = await createTopic(flags.brokers, {
        topic: name,
        partitions: flags.partitions,
        replicationFactor: flags.replicationFactor,
      });
      console.log(
        outcome === 'created'
          ? `created topic ${name} with ${flags.partitions} partitions`
          : `topic ${name} already exists`,
      );
    });

  addClientConfigOption(topic.command('list'))
    .description('list the topics (internal ones hidden)')
    .addOption(brokersOption())
    .action(async (flags: TopicFlags) => {
      for (const name of await listTopics(flags.brokers)) console.log(name);
    });

  addClientConfigOption(topic.command('describe <name>'))
    .description('partitions, leaders, replicas and earliest/latest offsets')
    .addOption(brokersOption())
    .option('--json', 'print JSON')
    .action(async (name: string, flags: TopicFlags) => {
      const description = await describeTopic(flags.brokers, name);
      if (flags.json) {
        console.log(JSON.stringify(description, null, 2));
        return;
      }
      console.log(`topic ${name}: ${description.partitions.length} partitions`);
      console.log('partition  leader  replicas  isr  earliest  latest');
      for (const p of description.partitions) {
        console.log(
          [
            String(p.partition).padStart(9),
            String(p.leader).padStart(7),
            p.replicas.join(',').padStart(9),
            p.isr.join(',').padStart(4),
            p.earliestOffset.padStart(9),
            p.latestOffset.padStart(7),
          ].join('  '),
        );
      }
    });

  addClientConfigOption(topic.command('add-partitions <name>'))
    .description('raise the partition count of a topic (Kafka cannot lower it)')
    .requiredOption('--partitions <n>', 'new total', parseWholeNumber('--partitions'))
    .addOption(brokersOption())
    .action(async (name: string, flags: TopicFlags) => {
      await increasePartitions(flags.brokers, name, flags.partitions);
      console.log(`topic ${name} now has ${flags.partitions} partitions`);
    });
}
