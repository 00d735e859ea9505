import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { executeJob, jobKey, type JobContext, type JobOutcome, type ReproduceJob } from './jobs.js';

/** Called as each job finishes, in whatever order they finish. */
export type OnOutcome = (job: ReproduceJob, outcome: JobOutcome) => Promise<void>;

/** Where a run's jobs execute: this process, a pool of local processes, or a BullMQ queue. */
export interface JobRunner {
  readonly name: string;
  run(jobs: readonly ReproduceJob[], onOutcome: OnOutcome): Promise<void>;
}

/** One job after another in this process (progress bars and logs as before). */
export function inProcessRunner(ctx: JobContext): JobRunner {
  return {
    name: 'this process',
    async run(jobs, onOutcome) {
      for (const job of jobs) await onOutcome(job, await executeJob(job, ctx));
    },
  };
}

/** Messages between the pool and its worker processes (dist/worker.js --ipc). */
export type PoolMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'outcome'; readonly key: string; readonly outcome: JobOutcome };

export const WORKER_SCRIPT = fileURLToPath(new URL('./worker.js', import.meta.url));

/** How often a job whose worker died is handed to another before it counts as failed. */
const POOL_ATTEMPTS = 2;

/**
 * The embedded pool: `size` worker processes on this machine, each running one job at a time. A
 * worker that dies mid-job (killed, out of memory) is replaced and its job run again, up to
 * POOL_ATTEMPTS times.
 */
export function poolRunner(size: number, log: (line: string) => void): JobRunner {
  return {
    name: `a pool of ${size} worker processes`,
    run(jobs, onOutcome) {
      const waiting = [...jobs];
      const attempts = new Map<string, number>();
      let unfinished = jobs.length;
      const children = new Set<ChildProcess>();
      return new Promise<void>((resolve, reject) => {
        let failed = false;
        const fail = (err: unknown) => {
          if (failed) return;
          failed = true;
          for (const c of children) c.kill();
          reject(err instanceof Error ? err : new Error(String(err)));
        };
        const finish = (job: ReproduceJob, outcome: JobOutcome) => {
          onOutcome(job, outcome).then(() => {
            unfinished -= 1;
            if (unfinished === 0) {
              for (const c of children) c.kill();
              resolve();
            }
          }, fail);
        };
        const start = () => {
          const child = fork(WORKER_SCRIPT, ['--ipc'], { stdio: 'inherit' });
          children.add(child);
          let current: ReproduceJob | undefined;
          const next = () => {
            current = waiting.shift();
            if (current === undefined) child.disconnect();
            else child.send({ type: 'job', job: current });
          };
          child.on('message', (m: PoolMessage) => {
            if (m.type === 'ready') next();
            else if (current !== undefined && m.key === jobKey(current)) {
              const done = current;
              next();
              finish(done, m.outcome);
            }
          });
          child.on('exit', (code, signal) => {
            children.delete(child);
            const lost = current;
            if (lost === undefined || failed) return;
            const key = jobKey(lost);
            const n = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, n);
            const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
            if (n < POOL_ATTEMPTS) {
              log(`pool: a worker died (${how}) running ${lost.task} seed ${lost.seed}; retrying`);
              waiting.unshift(lost);
              start();
            } else {
              finish(lost, {
                status: 'failed',
                reason: `its worker process died ${n} times (last: ${how})`,
              });
              if (waiting.length > 0) start();
            }
          });
          child.on('error', fail);
        };
        if (jobs.length === 0) {
          resolve();
          return;
        }
        for (let i = 0; i < Math.min(size, jobs.length); i++) start();
      });
    },
  };
}

/** The BullMQ queue of a code version: workers only ever see jobs built for their own code. */
export function queueName(code: string): string {
  return `hnn-reproduce-${code.replace(/[^0-9a-zA-Z]/g, '-').slice(0, 60)}`;
}

/** A Redis connection as BullMQ requires it (no per-command retry limit). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/**
 * The coordinator's side of a BullMQ queue: every job is added under its key as the job id, so a
 * job another run already finished is not run again (its stored return value is used) and a
 * failed one is retried. Workers (`hnn-worker --queue URL`) run them; a worker killed mid-job
 * loses its lock and BullMQ hands the job to another worker. The coordinator polls the jobs'
 * states, so it can be stopped and started again at any time.
 */
export function queueRunner(
  url: string,
  code: string,
  log: (line: string) => void,
  options: { readonly fresh?: boolean; readonly pollMs?: number } = {},
): JobRunner {
  const { fresh = false, pollMs = 500 } = options;
  return {
    name: `the queue ${queueName(code)} at ${url}`,
    async run(jobs, onOutcome) {
      const connection = redisConnection(url);
      const queue = new Queue(queueName(code), { connection });
      try {
        const pending = new Map<string, ReproduceJob>();
        for (const job of jobs) {
          const key = jobKey(job);
          let existing = await queue.getJob(key);
          if (existing !== undefined && fresh) {
            const state = await existing.getState();
            if (state === 'completed' || state === 'failed') {
              await existing.remove();
              existing = undefined;
            }
          }
          if (existing !== undefined && (await existing.getState()) === 'failed') {
            await existing.retry();
          } else if (existing === undefined) {
            await queue.add('reproduce', job, {
              jobId: key,
              attempts: 2,
              removeOnComplete: false,
              removeOnFail: false,
            });
          }
          pending.set(key, job);
        }
        log(
          `queue: ${jobs.length} jobs on ${queueName(code)}; start workers with ` +
            `\`hnn-worker --queue ${url}\` on machines with this code version (${code})`,
        );
        let shown = '';
        while (pending.size > 0) {
          let active = 0;
          for (const [key, job] of [...pending]) {
            const bull = await queue.getJob(key);
            if (bull === undefined) {
              // Removed by someone (e.g. queue cleaned): add it again.
              await queue.add('reproduce', job, { jobId: key, attempts: 2 });
              continue;
            }
            const state = await bull.getState();
            if (state === 'completed') {
              pending.delete(key);
              await onOutcome(job, bull.returnvalue as JobOutcome);
            } else if (state === 'failed') {
              pending.delete(key);
              await onOutcome(job, {
                status: 'failed',
                reason: `the queue gave up on it: ${bull.failedReason}`,
              });
            } else if (state === 'active') {
              active += 1;
            }
          }
          const line = `queue: ${jobs.length - pending.size}/${jobs.length} done, ${active} running`;
          if (line !== shown) log(line);
          shown = line;
          if (pending.size > 0) await new Promise((r) => setTimeout(r, pollMs));
        }
      } finally {
        await queue.close();
        connection.disconnect();
      }
    },
  };
}
