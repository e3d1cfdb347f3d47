// The load the replica-fault scenarios put on a two-replica cluster: writers on every live replica and
// live clients of one reader, placed by `firstReplica` (index of the replica each client tries first).
import type { Cluster } from './cluster.ts';
import { register, registerMany } from './cluster.ts';
import { Subscriber } from './subscribers.ts';
import { Writers } from './writers.ts';

export async function startWorkload(
  cluster: Cluster,
  options: { name: string; firstReplica: number[]; keepOutcomes?: boolean },
) {
  const [a] = cluster.urls() as [string];
  const writerAccounts = await registerMany(a, 4, 'w');
  const reader = await register(a, 'reader');
  const targets = () => cluster.live().map((replica) => replica.url);
  const subscribers = options.firstReplica.map(
    (first) => new Subscriber({ targets, token: reader.token, first }),
  );
  await Promise.all(subscribers.map((subscriber) => subscriber.start()));
  const prefix = `${options.name}-${Date.now()}`;
  const writers = new Writers({
    targets,
    tokens: writerAccounts.map((account) => account.token),
    perToken: 3,
    prefix,
    ...(options.keepOutcomes ? { keepOutcomes: true } : {}),
  });
  return { subscribers, writers, prefix };
}
