"""Reference numbers for src/scipy-fixtures.test.ts.

Regenerate with (from packages/integrators):
    python3 scripts/scipy-reference.py > /tmp/scipy-reference.json
Recorded with numpy 2.4 / scipy 1.17.1. Not run in CI.
"""
import json
import sys

import numpy as np
import scipy
from scipy.integrate import solve_ivp


def harmonic(t, x):
    return [2 * x[1], -2 * x[0]]


def pendulum(t, x):
    return [2 * x[1], -3 * np.sin(x[0])]


def case(name, fun, span, y0, **kw):
    sol = solve_ivp(fun, span, y0, method="RK45", **kw)
    return {
        "name": name,
        "span": list(span),
        "y0": list(y0),
        "options": {k: (list(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()},
        "status": int(sol.status),
        "nfev": int(sol.nfev),
        "t": [float(v) for v in sol.t],
        "y": [[float(v) for v in row] for row in sol.y.T],
    }


x0 = [0.7, -0.4]
teval = np.linspace(0, 20, 100)
cases = [
    case("harmonic-rtol1e-12", harmonic, (0, 20), x0, t_eval=teval, rtol=1e-12, atol=1e-6),
    case("harmonic-rtol1e-3", harmonic, (0, 20), x0, t_eval=teval, rtol=1e-3, atol=1e-6),
    case("harmonic-steps", harmonic, (0, 20), x0, rtol=1e-6, atol=1e-9),
    case("pendulum-rtol1e-9", pendulum, (0, 20), [2.0, 0.0], t_eval=teval, rtol=1e-9, atol=1e-9),
    case("pendulum-default", pendulum, (0, 20), [2.0, 0.0]),
    case("pendulum-backward", pendulum, (10, -5), [1.0, 0.5], t_eval=np.linspace(10, -5, 31),
         rtol=1e-8, atol=1e-10),
    case("harmonic-backward-steps", harmonic, (3, 0), x0, rtol=1e-5, atol=1e-8),
    case("harmonic-maxstep", harmonic, (0, 20), x0, t_eval=teval, rtol=1e-6, atol=1e-6,
         max_step=0.05),
    case("harmonic-firststep", harmonic, (0, 20), x0, rtol=1e-6, atol=1e-6, first_step=1e-3),
    case("harmonic-hugefirststep", harmonic, (0, 20), x0, t_eval=teval, rtol=1e-8, atol=1e-8,
         first_step=20),
]
json.dump({"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}, sys.stdout)
