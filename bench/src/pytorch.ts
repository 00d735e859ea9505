/**
 * The rival, measured in the same run: drives bench/pytorch/step.py (PyTorch's pure training step
 * of the same models at the same shapes) through a long-lived Python process per thread setting,
 * so that torch is imported once and each request times only steps.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** bench/pytorch/step.py, from src/ (tests) and dist/ (pnpm bench) alike. */
export const STEP_SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'pytorch',
  'step.py',
);

/**
 * A thread setting PyTorch is timed with: 'default' leaves torch and its BLAS at their own
 * defaults (Debian's pthread OpenBLAS then uses every core), how a user runs it; a number N pins
 * torch (set_num_threads) and OpenBLAS/OpenMP/MKL to N threads.
 */
export type PytorchThreads = 'default' | `${number}`;

/** The settings `pnpm bench` times, in order; the first one is the headline ratio's. */
export const DEFAULT_PYTORCH_THREADS: readonly PytorchThreads[] = ['default', '1'];

/** Parses `--pytorch-threads default,1,2`; throws on anything else. */
export function parsePytorchThreads(list: string): PytorchThreads[] {
  const settings = list.split(',').map((s) => s.trim());
  for (const s of settings) {
    if (s !== 'default' && !/^[1-9][0-9]*$/.test(s)) {
      throw new Error(
        `--pytorch-threads takes 'default' or positive thread counts, comma-separated; got '${s}'.`,
      );
    }
  }
  if (settings.length === 0 || new Set(settings).size !== settings.length) {
    throw new Error(`--pytorch-threads needs distinct settings, got '${list}'.`);
  }
  return settings as PytorchThreads[];
}

/** What step.py --probe reports (see its probe()). */
export interface PytorchProbe {
  readonly torch: string;
  readonly python: string;
  readonly threadsRequested: string;
  readonly threads: {
    readonly torchIntraOp: number;
    readonly torchInterOp: number;
    readonly openblas: number | null;
    readonly env: Readonly<Record<string, string | null>>;
  };
  readonly blas: {
    /** 'reference' = netlib's BLAS: ~10x slower, no fair rival. */
    readonly kind: 'openblas' | 'mkl' | 'blis' | 'reference' | 'unknown';
    readonly libraries: readonly string[] | null;
    readonly openblasConfig: string | null;
    readonly torchBuildBlas: string;
  };
  readonly cpuCapability: string | null;
  /** Float32 matrix-product speed with these threads: "m x n x k" -> GFLOP/s (empty: --no-sgemm). */
  readonly sgemmGflops: Readonly<Record<string, number>>;
}

export type PytorchAvailability =
  | { readonly available: true; readonly python: string; readonly probe: PytorchProbe }
  | { readonly available: false; readonly reason: string };

/** The Python interpreters tried in order: HNN_BENCH_PYTHON alone when set. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env.HNN_BENCH_PYTHON;
  if (chosen !== undefined && chosen !== '') return [chosen];
  // A pyenv or venv python3 first on PATH usually lacks Debian's python3-torch, which lives in
  // /usr/bin/python3's dist-packages: try that one too before saying there is no torch.
  return ['python3', '/usr/bin/python3'];
}

/**
 * The environment step.py starts with for a thread setting. 'default' removes the thread
 * variables a caller may have set, so that it means the libraries' own defaults; a thread count is
 * set by step.py itself before it imports torch.
 */
export function pythonEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) delete env[v];
  return env;
}

interface RunOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: Error;
}

function runOnce(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunOutput> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (spawnError) => resolve({ code: null, stdout, stderr, spawnError }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Finds a Python with torch by running step.py --probe with each candidate. Never throws for a
 * missing Python or torch: the bench then says so and prints no ratio.
 */
export async function findPytorch(
  options: {
    readonly candidates?: readonly string[];
    readonly env?: NodeJS.ProcessEnv;
    readonly script?: string;
    readonly threads?: PytorchThreads;
  } = {},
): Promise<PytorchAvailability> {
  const env = pythonEnv(options.env ?? process.env);
  const candidates = options.candidates ?? pythonCandidates(options.env ?? process.env);
  const reasons: string[] = [];
  for (const python of candidates) {
    const out = await runOnce(
      python,
      [
        options.script ?? STEP_SCRIPT,
        '--probe',
        '--no-sgemm', // finding torch needs no timing; the servers' probes time sgemm
        '--threads',
        options.threads ?? 'default',
      ],
      env,
    );
    if (out.spawnError !== undefined) {
      reasons.push(`${python}: ${out.spawnError.message}`);
      continue;
    }
    const line = out.stdout.trim().split('\n').pop() ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      const why = out.stderr.trim().split('\n').pop() ?? `exit code ${String(out.code)}`;
      reasons.push(`${python}: step.py --probe failed (${why})`);
      continue;
    }
    const probe = parsed as { torch: string | null; reason?: string };
    if (probe.torch === null) {
      reasons.push(`${python}: ${probe.reason ?? 'no torch'}`);
      continue;
    }
    return { available: true, python, probe: parsed as PytorchProbe };
  }
  return { available: false, reason: reasons.join('; ') };
}

/** One timing request to step.py (see its request_from_args for the fields). */
export type PytorchRequest =
  | {
      readonly kind: 'mlp';
      readonly model: 'hnn' | 'baseline';
      readonly dim: number;
      readonly batch: number;
      /** Training rows each minibatch is drawn from; null = full batch. */
      readonly pool: number | null;
      readonly weightDecay: number;
      readonly warmup: number;
      readonly steps: number;
    }
  | {
      readonly kind: 'pixel';
      readonly model: 'hnn' | 'baseline';
      readonly inputDim: number;
      readonly latentDim: number;
      readonly hidden: number;
      readonly batch: number;
      readonly pool: number;
      readonly weightDecay: number;
      readonly warmup: number;
      readonly steps: number;
    };

export interface PytorchReply {
  readonly samplesMs: readonly number[];
  readonly lossFirst: number;
  readonly lossLast: number;
  readonly threads: number;
}

export class PytorchStepError extends Error {
  override readonly name = 'PytorchStepError';
}

/** A step.py --serve process for one thread setting. */
export class PytorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  private nextId = 0;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    readonly threads: PytorchThreads,
  ) {
    this.child = child;
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts the server; resolves with it and its --probe report (its first line). */
  static async start(
    python: string,
    threads: PytorchThreads,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<{ server: PytorchServer; probe: PytorchProbe }> {
    const child = spawn(python, [STEP_SCRIPT, '--serve', '--threads', threads], {
      env: pythonEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const server = new PytorchServer(child, threads);
    const probe = (await server.readLine()) as unknown as PytorchProbe;
    return { server, probe };
  }

  /** Probe warnings (e.g. the reference-BLAS warning) the server printed on stderr so far. */
  get log(): string {
    return this.stderr;
  }

  private async readLine(): Promise<Record<string, unknown>> {
    const next = await this.lines.next();
    if (next.done === true) {
      throw new PytorchStepError(
        `bench/pytorch/step.py (threads ${this.threads}) exited early:\n${this.stderr}`,
      );
    }
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  async time(request: PytorchRequest): Promise<PytorchReply> {
    const id = this.nextId++;
    this.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    const reply = await this.readLine();
    if (typeof reply.error === 'string') {
      throw new PytorchStepError(
        `bench/pytorch/step.py could not time ${JSON.stringify(request)}: ${reply.error}`,
      );
    }
    return reply as unknown as PytorchReply;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) {
        resolve();
        return;
      }
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }
}
