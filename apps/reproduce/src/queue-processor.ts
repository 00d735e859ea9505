import type { Job } from 'bullmq';
import {
  executeJob,
  workerContext,
  type JobContext,
  type JobOutcome,
  type ReproduceJob,
} from './jobs.js';

// BullMQ's sandboxed processor for hnn-worker: it runs in a child process of the worker, so the
// worker's own event loop stays free to renew the job's lock while training and the rollout
// metrics keep this process busy for seconds at a time. One context per process, reused for the
// jobs it runs.

let context: Promise<JobContext> | undefined;

// BullMQ loads a sandboxed processor file by its default export.
// eslint-disable-next-line no-restricted-syntax
export default async function processReproduceJob(job: Job<ReproduceJob>): Promise<JobOutcome> {
  context ??= workerContext(true);
  return executeJob(job.data, await context);
}
