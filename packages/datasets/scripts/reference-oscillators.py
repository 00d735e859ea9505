"""Prints reference values for the mass-spring and pendulum datasets, generated with the recipe of the
paper's reference code (numpy legacy RandomState seeded with 0, scipy solve_ivp rtol 1e-10).
Used to produce the fixtures in src/tasks.test.ts: python3 packages/datasets/scripts/reference-oscillators.py
"""
import numpy as np, json, sys
from scipy.integrate import solve_ivp
def make(task):
    if task=='spring':
        H=lambda q,p: q**2+p**2; f=lambda t,y: np.array([2*y[1], -2*y[0]]); ts=10; rad=lambda: np.random.rand()*0.9+0.1
    else:
        f=lambda t,y: np.array([2*y[1], -3*np.sin(y[0])]); ts=15; rad=lambda: np.random.rand()+1.3
    np.random.seed(0)
    xs=[];dxs=[]
    for s in range(50):
        t_eval=np.linspace(0,3,int(ts*3))
        y0=np.random.rand(2)*2-1
        r=rad()
        y0=y0/np.sqrt((y0**2).sum())*r
        sol=solve_ivp(fun=f,t_span=[0,3],y0=y0,t_eval=t_eval,rtol=1e-10)
        q,p=sol['y'][0],sol['y'][1]
        dydt=np.stack([f(None,y) for y in sol['y'].T]).T
        q=q+np.random.randn(*q.shape)*0.1
        p=p+np.random.randn(*p.shape)*0.1
        xs.append(np.stack([q,p]).T); dxs.append(dydt.T)
    x=np.concatenate(xs); dx=np.concatenate(dxs)
    return x,dx
for task in ['spring','pend']:
    x,dx=make(task)
    print(task, x.shape, repr(x[0].tolist()), repr(x[-1].tolist()), repr(dx[0].tolist()), repr(dx[-1].tolist()), repr(float(x.sum())), repr(float(dx.sum())))

# The first point of every trajectory (the start point plus the first noise draws), to the bit:
# src/fixtures/oscillator-first-points.json, checked exactly by src/tasks.test.ts.
import os
firsts = {}
for task, name in [('spring', 'mass-spring'), ('pend', 'pendulum')]:
    x, _ = make(task)
    n = 30 if task == 'spring' else 45
    firsts[name] = [x[s * n].tolist() for s in range(50)]
path = os.path.join(os.path.dirname(__file__), '..', 'src', 'fixtures', 'oscillator-first-points.json')
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, 'w') as fh:
    json.dump(firsts, fh, indent=1)
    fh.write('\n')
