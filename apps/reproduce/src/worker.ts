#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'bullmq';
import { ReproduceUsageError } from './errors.js';
import {
  codeVersion,
  executeJob,
  workerContext,
  jobKey,
  type JobOutcome,
  type ReproduceJob,
} from './jobs.js';
import { REPO_ROOT } from './paths.js';
import { queueName, redisConnection, type PoolMessage } from './runners.js';

const PROCESSOR = fileURLToPath(new URL('./queue-processor.js', import.meta.url));

export const WORKER_USAGE = `Usage: hnn-worker --queue redis://HOST:PORT [--lock-seconds N]
       (after a build: node apps/reproduce/dist/worker.js ...)

Runs reproduce jobs from a BullMQ queue until stopped (Ctrl-C), one at a time. Start the
coordinator with \`pnpm turbo run reproduce -- --queue redis://HOST:PORT ...\`; any number of
workers on any machine with the same commit built (the queue's name carries the code version,
so a worker never runs jobs made for other code). A worker killed mid-job loses its lock after
--lock-seconds (default 30) and the job goes to another worker.

Environment: HNN_CACHE_DIR (generated datasets), HNN_REAL_PENDULUM_DATA (this machine's copy).
`;

/** A process of the embedded pool: jobs arrive over IPC from the coordinator. */
async function ipcWorker(): Promise<void> {
  const ctx = await workerContext(false);
  const send = (m: PoolMessage) => process.send?.(m);
  process.on('message', (m: { type: 'job'; job: ReproduceJob }) => {
    void executeJob(m.job, ctx).then((outcome) =>
      send({ type: 'outcome', key: jobKey(m.job), outcome }),
    );
  });
  // The coordinator disconnects when there is no more work.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

function queueWorker(url: string, lockSeconds: number): void {
  const code = codeVersion(REPO_ROOT);
  if (code === null) {
    throw new ReproduceUsageError(
      'hnn-worker needs a git checkout to know its code version (the queue is per version)',
    );
  }
  const name = queueName(code);
  const connection = redisConnection(url);
  // The jobs run in BullMQ's sandbox (a child process, dist/queue-processor.js), so that this
  // process keeps renewing the job's lock however long the training blocks its own thread.
  const worker = new Worker<ReproduceJob, JobOutcome>(name, PROCESSOR, {
    connection,
    concurrency: 1,
    lockDuration: lockSeconds * 1000,
    stalledInterval: lockSeconds * 1000,
    maxStalledCount: 2,
  });
  const say = (line: string) => process.stdout.write(`hnn-worker: ${line}\n`);
  worker.on('active', (job) => say(`started ${job.data.task} seed ${job.data.seed}`));
  worker.on('completed', (job, outcome) =>
    say(`${outcome.status} ${job.data.task} seed ${job.data.seed}`),
  );
  worker.on('failed', (job, err) =>
    say(`crashed ${job?.data.task ?? '?'} seed ${job?.data.seed ?? '?'}: ${err.message}`),
  );
  worker.on('error', (err) => process.stderr.write(`hnn-worker: ${err.message}\n`));
  say(`waiting for jobs on ${name} at ${url}`);
  const stop = () => {
    void worker.close().then(() => {
      connection.disconnect();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      queue: { type: 'string' },
      ipc: { type: 'boolean', default: false },
      'lock-seconds': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(WORKER_USAGE);
    return;
  }
  if (values.ipc) return ipcWorker();
  if (values.queue === undefined) throw new ReproduceUsageError('give --queue redis://HOST:PORT');
  if (!/^rediss?:\/\//.test(values.queue)) {
    throw new ReproduceUsageError(
      `--queue must be a redis:// URL, got ${JSON.stringify(values.queue)}`,
    );
  }
  const lock = Number(values['lock-seconds']);
  if (!Number.isInteger(lock) || lock < 1 || lock > 3600) {
    throw new ReproduceUsageError(
      '--lock-seconds must be a whole number of seconds from 1 to 3600',
    );
  }
  return queueWorker(values.queue, lock);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const usage = err instanceof ReproduceUsageError || (err instanceof TypeError && 'code' in err);
  process.stderr.write(
    `error: ${err instanceof Error ? (usage ? err.message : (err.stack ?? err.message)) : String(err)}\n`,
  );
  process.exit(2);
});
