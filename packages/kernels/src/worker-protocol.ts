// Control words shared by a trainer's main thread and its worker (src/kernel-threads.ts, the Node
// worker source in src/platform-node.ts, worker/kernel-worker.js for browsers): generation,
// command, done count, error (the kernel's negative status, or WORKER_THREW).
export const CTRL_GEN = 0;
export const CTRL_CMD = 1;
export const CTRL_DONE = 2;
export const CTRL_ERROR = 3;
export const CMD_CHUNKS = 1;
export const CMD_REDUCE = 2;
export const CMD_EXIT = 9;
export const WORKER_THREW = -100;
