import { derivative, parse } from 'mathjs';
import type { EvalFunction, MathNode } from 'mathjs';
import type { HamiltonianSystem } from '@hnn/datasets';
import { HnnError } from '@hnn/errors';

/** A custom H that cannot be used, with a message saying what to change. */
export class CustomHamiltonianError extends HnnError {
  override readonly code = 'HNN_PLAYGROUND_CUSTOM_H';
  // Explicit: class names do not survive the production build's minifier.
  override name = 'CustomHamiltonianError';
}

// The expression comes from the URL too (a shared link), so only arithmetic on q and p and these
// elementary functions are accepted: no assignments, function definitions or mathjs commands.
const FUNCTIONS = new Set([
  'sin',
  'cos',
  'tan',
  'exp',
  'log',
  'sqrt',
  'abs',
  'sinh',
  'cosh',
  'tanh',
  'atan',
]);
const SYMBOLS = new Set(['q', 'p', 'pi', 'e']);

function check(node: MathNode): void {
  node.traverse((n: MathNode, _path: string, parent: MathNode | null) => {
    switch (n.type) {
      case 'ConstantNode':
      case 'OperatorNode':
      case 'ParenthesisNode':
        return;
      case 'FunctionNode': {
        const name = (n as unknown as { fn: { name?: string } }).fn.name ?? '';
        if (!FUNCTIONS.has(name)) {
          throw new CustomHamiltonianError(
            `unknown function '${name}': use ${[...FUNCTIONS].join(', ')}`,
          );
        }
        return;
      }
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        // A function's own name is a SymbolNode child of its FunctionNode.
        if (parent?.type === 'FunctionNode' && FUNCTIONS.has(name)) return;
        if (!SYMBOLS.has(name)) {
          throw new CustomHamiltonianError(
            `unknown symbol '${name}': H may use only q, p and the constants pi and e`,
          );
        }
        return;
      }
      default:
        throw new CustomHamiltonianError(
          `'${n.toString()}' is not allowed: write H as arithmetic on q and p (+ - * / ^ and functions)`,
        );
    }
  });
}

function evaluator(fn: EvalFunction, what: string): (q: number, p: number) => number {
  return (q, p) => {
    const value: unknown = fn.evaluate({ q, p });
    if (typeof value !== 'number') {
      throw new CustomHamiltonianError(`${what} is not a real number at q = ${q}, p = ${p}`);
    }
    return value;
  };
}

/**
 * Parses H(q, p) with mathjs and derives dH/dq and dH/dp symbolically (mathjs' derivative), so
 * the true field is exact; evaluated by mathjs' compiled expression trees, never by eval.
 */
export function compileHamiltonian(text: string): HamiltonianSystem {
  if (text.trim() === '')
    throw new CustomHamiltonianError('H is empty: type an expression in q and p');
  let node: MathNode;
  try {
    node = parse(text);
  } catch (error) {
    throw new CustomHamiltonianError(
      `cannot read H: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  check(node);
  const h = evaluator(node.compile(), 'H');
  const dHdq = evaluator(derivative(node, 'q').compile(), 'dH/dq');
  const dHdp = evaluator(derivative(node, 'p').compile(), 'dH/dp');
  // A quick probe, so a formula that fails everywhere (e.g. log(-1 - q^2)) is reported at once.
  for (const [q, p] of [
    [0.3, 0.2],
    [-0.7, 0.5],
  ] as const) {
    const values = [h(q, p), dHdq(q, p), dHdp(q, p)];
    if (!values.every(Number.isFinite)) {
      throw new CustomHamiltonianError(`H or its gradient is not finite at q = ${q}, p = ${p}`);
    }
  }
  return {
    name: 'custom',
    dim: 2,
    hamiltonian: (x) => h(x[0]!, x[1]!),
    timeDerivative(_t, x, out) {
      const q = x[0]!;
      const p = x[1]!;
      out[0] = dHdp(q, p);
      out[1] = -dHdq(q, p);
    },
  };
}
