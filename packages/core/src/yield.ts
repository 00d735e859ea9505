/**
 * Lets the event loop run (timers, I/O, rendering) and resumes as soon as it has, without the
 * clamping of nested setTimeout(0) (4 ms in browsers after five levels, 1 ms in Node). Uses only
 * globals, so it works in Node, browsers and workers: setImmediate where the runtime has one
 * (Node, Bun: it runs after the timers and I/O of the loop's turn), else a MessageChannel message
 * (a task that browsers queue without delay), else setTimeout(0).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      // The DOM's MessagePort; Node's typings (which the package compiles with) lack onmessage.
      const port1 = channel.port1 as unknown as { onmessage: (() => void) | null; close(): void };
      port1.onmessage = () => {
        // A port left open keeps some runtimes (Deno) alive after training.
        port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
