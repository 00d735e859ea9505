"""Prints reference values for the two- and three-body orbit datasets, generated with the recipe of
the paper's reference code (experiment-2body/data.py, experiment-3body/data.py): numpy's legacy
global generator seeded once (train.py calls np.random.seed(seed) before building the data),
random near-circular start states, scipy solve_ivp (RK45, rtol 1e-9, default atol) on the per-body
state [m, qx, qy, px, py], exact field targets, canonical order [qx..., qy..., px..., py...].

Written from the recipe, not copied. Needs numpy and scipy (not available in CI; the numbers are
pasted into src/orbits-dataset.test.ts):

    python3 packages/datasets/scripts/reference-orbits.py
"""
import numpy as np
from scipy.integrate import solve_ivp


def field(t, s):
    s = s.reshape(-1, 5)
    n = s.shape[0]
    d = np.zeros_like(s)
    d[:, 1:3] = s[:, 3:5]
    for i in range(n):
        others = np.concatenate([s[:i], s[i + 1:]], axis=0)
        disp = others[:, 1:3] - s[i, 1:3]
        dist = (disp**2).sum(1, keepdims=True) ** 0.5
        d[i, 3:5] = (others[:, 0:1] * disp / (dist**3 + 0)).sum(0)
    return d.reshape(-1)


def rot(p, th):
    c, s = np.cos(th), np.sin(th)
    return (np.array([[c, -s], [s, c]]) @ p.reshape(2, 1)).squeeze()


def start2(noise=5e-2, lo=0.5, hi=1.5):
    st = np.zeros((2, 5))
    st[:, 0] = 1
    pos = np.random.rand(2) * (hi - lo) + lo
    r = np.sqrt(np.sum(pos**2))
    vel = np.flipud(pos) / (2 * r**1.5)
    vel[0] *= -1
    vel *= 1 + noise * np.random.randn()
    st[:, 1:3] = pos
    st[:, 3:5] = vel
    st[1, 1:] *= -1
    return st


def start3(nu=2e-1, lo=0.9, hi=1.2):
    st = np.zeros((3, 5))
    st[:, 0] = 1
    p1 = 2 * np.random.rand(2) - 1
    r = np.random.rand() * (hi - lo) + lo
    p1 *= r / np.sqrt(np.sum(p1**2))
    p2 = rot(p1, 2 * np.pi / 3)
    p3 = rot(p2, 2 * np.pi / 3)
    v1 = rot(p1, np.pi / 2) / r**1.5
    v1 = v1 * np.sqrt(np.sin(np.pi / 3) / (2 * np.cos(np.pi / 6) ** 2))
    v2 = rot(v1, 2 * np.pi / 3)
    v3 = rot(v2, 2 * np.pi / 3)
    v1 *= 1 + nu * (2 * np.random.rand(2) - 1)
    v2 *= 1 + nu * (2 * np.random.rand(2) - 1)
    v3 *= 1 + nu * (2 * np.random.rand(2) - 1)
    for k, (p, v) in enumerate([(p1, v1), (p2, v2), (p3, v3)]):
        st[k, 1:3], st[k, 3:5] = p, v
    return st


def dataset(nb, trials, steps, t_span, seed=0):
    np.random.seed(seed)
    t_eval = np.linspace(t_span[0], t_span[1], steps)
    xs, dxs = [], []
    for _ in range(trials):
        st = start2() if nb == 2 else start3()
        sol = solve_ivp(fun=field, t_span=t_span, y0=st.flatten(), t_eval=t_eval, rtol=1e-9)
        orbit = sol['y'].reshape(nb, 5, steps)
        for s in orbit.transpose(2, 0, 1).reshape(-1, nb * 5):
            xs.append(s.reshape(nb, 5).T[1:].flatten())
            dxs.append(field(None, s).reshape(nb, 5).T[1:].flatten())
    x, dx = np.stack(xs), np.stack(dxs)
    split = int(x.shape[0] * 0.2)
    return x, dx, split


for nb, trials, steps, t_span in [(2, 5, 50, [0, 20]), (3, 5, 20, [0, 5])]:
    x, dx, split = dataset(nb, trials, steps, t_span)
    print(f'--- {nb}-body, {trials} orbits x {steps} points over {t_span}, split {split}')
    print('x[0]  =', repr(x[0].tolist()))
    print('x[1]  =', repr(x[1].tolist()))
    print('x[-1] =', repr(x[-1].tolist()))
    print('dx[0] =', repr(dx[0].tolist()))
    print('dx[-1]=', repr(dx[-1].tolist()))
    print('sum x =', repr(float(x.sum())), ' sum |x| =', repr(float(np.abs(x).sum())))
    print('sum dx=', repr(float(dx.sum())), ' sum |dx| =', repr(float(np.abs(dx).sum())))

# Energy-metric start states: trial i seeds the global generator with i, then random_config().
for nb in (2, 3):
    for i in (0, 1, 14):
        np.random.seed(i)
        st = start2() if nb == 2 else start3()
        print(f'{nb}-body trial {i} start =', repr(st[:, 1:].T.flatten().tolist()))
