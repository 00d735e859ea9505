import { BackendUnavailableError, InvalidInputError, TrainingDivergedError } from '@hnn/core';
import type { CliIo } from './cli-io.js';
import { processIo } from './cli-io.js';
import { RolloutError } from '@hnn/eval';
import { DataFileError, ModelFormatError, printable, UsageError } from './errors.js';
import { EVAL_USAGE, runEval } from './eval-command.js';
import { MAKE_DATA_USAGE, runMakeData } from './make-data-command.js';
import { ROLLOUT_USAGE, runRollout } from './rollout-command.js';
import { CSV_HEADER_HINT } from './trajectory-csv.js';
import { runTrain, TRAIN_USAGE } from './train-command.js';
import { LIBRARY } from './version.js';

/** Exit codes of the hnn binary. */
export const EXIT_CODES = {
  ok: 0,
  /** A bug: an error nobody anticipated (please report it). */
  internal: 1,
  /** Bad flags, data file or model file: nothing was written. */
  badInput: 2,
  /** The run itself failed: training diverged, the solver stopped, no backend. */
  failed: 3,
} as const;

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  'make-data': {
    summary: "write a trajectory CSV from one of the paper's systems",
    usage: MAKE_DATA_USAGE,
    run: runMakeData,
  },
  train: {
    summary: 'train an HNN, a baseline or a D-HNN on a trajectory CSV',
    usage: TRAIN_USAGE,
    run: runTrain,
  },
  rollout: {
    summary: 'integrate a trained model from a start state, write a CSV',
    usage: ROLLOUT_USAGE,
    run: runRollout,
  },
  eval: {
    summary: "a model's loss and energy drift on a trajectory CSV",
    usage: EVAL_USAGE,
    run: runEval,
  },
};

export const CSV_HELP = `Trajectory CSV format

  trajectory,t,q1,...,qn,p1,...,pn[,dq1,...,dqn,dp1,...,dpn]

- One header line; names are case-insensitive and may come in any order; no other columns.
- trajectory: any label (a number or a word); each trajectory's rows together, t increasing.
- q1..qn, p1..pn: the state (coordinates and their conjugate momenta), as many p as q.
- dq1..dqn, dp1..dpn (optional, all or none): the time derivatives at that row. Without them,
  derivatives are estimated per trajectory by second-order finite differences on the t grid
  (central 3-point formula inside, one-sided 3-point formulas at the ends, non-uniform t
  allowed; a 2-row trajectory gets the difference quotient).
- Every value a finite plain decimal (0.25, -3, 1e-3; no hex such as 0x10); blank lines are
  skipped; no quoted commas. Two names for one column (q1 and q01) are an error.
- The file must be a regular file (not a named pipe or device); it is read in chunks.

Example (n = 1):
  trajectory,t,q1,p1,dq1,dp1
  0,0,0.5,0,0,-1
  0,0.1,0.49,-0.1,-0.2,-0.98
`;

export const MODEL_HELP = `Model JSON format (formatVersion 2), written by 'hnn train', read by loadModel():
@hnn/core's saved-model format (saveModel/loadModel there read and write it too)

  format             "hnn-model"
  formatVersion      2 (files of version 1, weights as lists of numbers, still load)
  library            { name, version } of the writer
  createdAt          ISO time
  model              { kind: "hnn" | "baseline" | "dhnn", inputDim: 2n, network: "mlp",
                       layerSizes: [2n, hidden, hidden, 1 | 2n], activation: "tanh" }
                       (a D-HNN: two MLPs of these sizes, H's and D's)
  weights            [W1, b1, W2, b2, W3] (a D-HNN: [H.W1, ..., H.W3, D.W1, ..., D.W3]) as
                     { name, shape, dtype: "float32", byteOffset, byteLength }: where each lies
                     in weightsData, W (in x out) row-major
  weightsByteLength  4 x the number of parameters
  weightsData        the weights as float32 little-endian bytes, base64
  metadata           degreesOfFreedom: n, stateNames: [q1..p n],
                     normalization { method, shift[2n], scale[2n], timeScale, energyScale }:
                       the network sees (x - shift) / scale; dx/dt = scale * f / timeScale;
                       H = energyScale * H_net (absent: no scaling, names q1..pn),
                     training: data file, derivative source, split, settings, backend
                       (TensorFlow.js) and fastPath (the engine that ran the steps, e.g.
                       native-avx512-2threads, wasm-simd, or none when TensorFlow.js ops did;
                       absent in older files), time, final train/test loss (MSE of dx/dt in
                       data units), loss history
`;

export const MAIN_USAGE = `Usage: hnn <command> [options]     (hnn <command> --help for its options)

Hamiltonian Neural Networks (Greydanus et al. 2019) on your own trajectory data.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)}${c.summary}`)
  .join('\n')}
  help TOPIC Show help for a command, or for 'csv' (data format) or 'model' (model JSON)

Data: a CSV with header ${CSV_HEADER_HINT}

Example:
  hnn make-data --system mass-spring --out spring.csv
  hnn train --data spring.csv --model hnn --out spring-hnn.json
  hnn rollout --model spring-hnn.json --x0 "0.5,0" --t-end 20 --out rollout.csv

Exit codes: 0 ok, 2 bad flags or input file (nothing written), 3 training diverged or the
solver failed, 1 internal error.
`;

/** The exit code an error maps to (see EXIT_CODES). */
export function exitCodeFor(err: unknown): number {
  if (
    err instanceof UsageError ||
    err instanceof DataFileError ||
    err instanceof ModelFormatError ||
    err instanceof InvalidInputError
  ) {
    return EXIT_CODES.badInput;
  }
  if (
    err instanceof TrainingDivergedError ||
    err instanceof RolloutError ||
    err instanceof BackendUnavailableError
  ) {
    return EXIT_CODES.failed;
  }
  return EXIT_CODES.internal;
}

/**
 * Runs the hnn command line in-process: argv without the node and script paths. Returns the
 * exit code; errors become one line on io.stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h') {
      io.stdout(MAIN_USAGE);
      return EXIT_CODES.ok;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(`${LIBRARY.name} ${LIBRARY.version}\n`);
      return EXIT_CODES.ok;
    }
    if (first === 'help') {
      const topic = rest[0];
      const text =
        topic === undefined
          ? MAIN_USAGE
          : topic === 'csv'
            ? CSV_HELP
            : topic === 'model'
              ? MODEL_HELP
              : COMMANDS[topic]?.usage;
      if (text === undefined) {
        throw new UsageError(
          `no help topic '${topic}'; try 'hnn help', 'hnn help csv' or 'hnn help train'`,
        );
      }
      io.stdout(text);
      return EXIT_CODES.ok;
    }
    const command = COMMANDS[first];
    if (command === undefined) {
      throw new UsageError(
        `unknown command '${first}'; the commands are ${Object.keys(COMMANDS).join(', ')} (hnn --help)`,
      );
    }
    return await command.run(rest, io);
  } catch (err) {
    const code = exitCodeFor(err);
    const message = err instanceof Error ? err.message : String(err);
    // Messages can quote file contents or arguments: never let them move the terminal's cursor.
    const oneLine = printable(message.replace(/\s*\n\s*/g, ' '));
    if (code === EXIT_CODES.internal) {
      io.stderr(`hnn: internal error: ${oneLine}\n`);
      if (err instanceof Error && err.stack !== undefined)
        io.stderr(`${printable(err.stack).replace(/\\x0a/g, '\n')}\n`);
    } else {
      io.stderr(`hnn: error: ${oneLine}\n`);
    }
    return code;
  }
}
