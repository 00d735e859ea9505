#!/usr/bin/env python3
"""PyTorch's pure training step for the models `pnpm bench` times, so that every "ours / PyTorch"
ratio divides by a number measured in the same run on the same machine.

A step is what @hnn/core's train() and @hnn/autoencoder's trainPixelModel() time on our side:
drawing the minibatch (minibatch tasks only), forward, loss, backward (for an HNN through the
double backward of dH/dx), and Adam's update. No test-set loss. The data are random numbers of
the task's shapes: the time of a dense step does not depend on the values.

Usage (bench/src/pytorch.ts drives it; it can also be run by hand):
  python3 bench/pytorch/step.py --probe [--threads 1|N|default]
      prints one JSON line: torch version, thread counts, which BLAS is loaded, an sgemm probe
  python3 bench/pytorch/step.py --threads 1 --model hnn --dim 2 --batch 750 --weight-decay 1e-4
  python3 bench/pytorch/step.py --model baseline --dim 8 --batch 200 --pool 40000 --weight-decay 0
  python3 bench/pytorch/step.py --pixel --model hnn --input-dim 1568 --batch 200 --pool 16000 \
      --weight-decay 1e-5
      time one (model, shape) and print one JSON line with the per-step times in ms
  python3 bench/pytorch/step.py --serve [--threads ...]
      read one JSON request per line on stdin (the same fields as the flags), answer one JSON line
      each; the first line out is the --probe report. Keeps torch loaded between requests.

--threads must be decided before torch is imported: OpenBLAS reads OPENBLAS_NUM_THREADS when it is
loaded and, on Debian's pthread build, otherwise starts one thread per core whatever
torch.set_num_threads says. 'default' leaves every library at its own default.
"""

import argparse
import json
import os
import sys
import time


def set_thread_env(threads):
    if threads == "default":
        return
    n = str(int(threads))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = n


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", default="default", help="1, 2, ... or default")
    p.add_argument("--probe", action="store_true")
    p.add_argument("--serve", action="store_true")
    p.add_argument(
        "--no-sgemm", action="store_true", help="skip the probe's sgemm timing (~1 s)"
    )
    p.add_argument("--pixel", action="store_true", help="the pixel pendulum's autoencoder model")
    p.add_argument("--model", choices=("hnn", "baseline"), default="hnn")
    p.add_argument("--dim", type=int, default=2, help="state dimension (MLP tasks)")
    p.add_argument("--input-dim", type=int, default=1568, help="pixels per sample (pixel task)")
    p.add_argument("--latent-dim", type=int, default=2)
    p.add_argument("--hidden", type=int, default=200)
    p.add_argument("--batch", type=int, default=750)
    p.add_argument(
        "--pool", type=int, default=None,
        help="training rows to draw each minibatch from (omit for full batch)",
    )
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.threads != "default" and not args.threads.isdigit():
        p.error("--threads must be a positive integer or 'default'")
    return args


def request_from_args(args):
    req = {
        "kind": "pixel" if args.pixel else "mlp",
        "model": args.model,
        "batch": args.batch,
        "pool": args.pool,
        "weightDecay": args.weight_decay,
        "warmup": args.warmup,
        "steps": args.steps,
        "seed": args.seed,
        "hidden": args.hidden,
    }
    if args.pixel:
        req.update(inputDim=args.input_dim, latentDim=args.latent_dim)
    else:
        req.update(dim=args.dim)
    return req


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main(argv):
    args = parse_args(argv)
    set_thread_env(args.threads)
    try:
        import torch  # noqa: F401  (imported after the thread environment is set)
    except ImportError as error:
        # Not an error of the benchmark: the caller reports "no PyTorch" and prints no ratio.
        emit({"torch": None, "reason": f"cannot import torch in {sys.executable}: {error}"})
        return 0
    import torch

    if args.threads != "default":
        torch.set_num_threads(int(args.threads))
    info = probe(torch, args.threads, sgemm=not args.no_sgemm)
    if info["blas"]["kind"] == "reference":
        sys.stderr.write(
            "\n*** WARNING: this torch runs its matrix products on the reference (netlib) BLAS, "
            "~10x slower than OpenBLAS: it is no fair rival. On Debian: "
            "apt-get install -y libopenblas0-pthread ***\n\n"
        )
    if args.probe:
        emit(info)
        return 0
    if args.serve:
        emit(info)
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            try:
                emit({"id": req.get("id"), **run_request(torch, req)})
            except Exception as error:  # one bad request must not take the server down
                emit({"id": req.get("id"), "error": f"{type(error).__name__}: {error}"})
        return 0
    emit({**run_request(torch, request_from_args(args)), "probe": info})
    return 0


# ---------------------------------------------------------------- environment report


def loaded_blas_libraries():
    """Shared objects of the process whose name says BLAS/LAPACK/MKL (Linux: /proc/self/maps)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return None
    keys = ("blas", "lapack", "mkl", "blis")
    return sorted(p for p in paths if any(k in os.path.basename(p).lower() for k in keys))


def openblas_handle(libs):
    import ctypes

    for path in libs or []:
        if "openblas" in path.lower():
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_config.restype = ctypes.c_char_p
                return lib
            except (OSError, AttributeError):
                continue
    return None


def blas_kind(libs, openblas):
    if openblas is not None:
        return "openblas"
    if libs is None:
        return "unknown"
    names = " ".join(libs).lower()
    if "mkl" in names:
        return "mkl"
    if "blis" in names:
        return "blis"
    # Debian's netlib reference BLAS lives in .../blas/libblas.so.3 (the alternatives' default
    # when no optimised BLAS is installed).
    if any("/blas/libblas" in p for p in libs):
        return "reference"
    return "unknown"


def sgemm_gflops(torch, m, n, k, seconds=0.3):
    """GFLOP/s of a float32 matrix product (m x k) @ (k x n) with the current threads."""
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    out = torch.empty(m, n)
    for _ in range(3):
        torch.mm(a, b, out=out)
    reps = 0
    t0 = time.perf_counter()
    while True:
        torch.mm(a, b, out=out)
        reps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            break
    return round(2.0 * m * n * k * reps / elapsed / 1e9, 2)


def probe(torch, threads, sgemm=True):
    torch.mm(torch.ones(4, 4), torch.ones(4, 4))  # loads the BLAS if it is loaded lazily
    libs = loaded_blas_libraries()
    openblas = openblas_handle(libs)
    capability = None
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            capability = line.split(":", 1)[1].strip()
    return {
        "torch": torch.__version__,
        "python": sys.executable,
        "threadsRequested": threads,
        "threads": {
            "torchIntraOp": torch.get_num_threads(),
            "torchInterOp": torch.get_num_interop_threads(),
            "openblas": openblas.openblas_get_num_threads() if openblas is not None else None,
            "env": {
                v: os.environ.get(v)
                for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
            },
        },
        "blas": {
            "kind": blas_kind(libs, openblas),
            "libraries": libs,
            "openblasConfig": openblas.openblas_get_config().decode() if openblas else None,
            # Debian's torch says BLAS_INFO=generic whatever BLAS the alternatives system picked,
            # so the loaded library above is what tells OpenBLAS from the reference BLAS.
            "torchBuildBlas": torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0],
        },
        "cpuCapability": capability,
        # One of our 200-wide products at the spring's batch, and a large one as the machine's
        # practical float32 peak with these threads.
        "sgemmGflops": {
            "750x200x200": sgemm_gflops(torch, 750, 200, 200),
            "1024x1024x1024": sgemm_gflops(torch, 1024, 1024, 1024),
        }
        if sgemm
        else {},
    }


# ---------------------------------------------------------------- models


def orthogonal_linear(torch, n_in, n_out, bias=True):
    layer = torch.nn.Linear(n_in, n_out, bias=bias)  # default bias init, kept as the paper does
    torch.nn.init.orthogonal_(layer.weight)
    return layer


class Mlp:
    """in -> hidden -> hidden -> out, tanh, orthogonal weights, no bias on the last layer."""

    def __init__(self, torch, n_in, hidden, n_out):
        self.l1 = orthogonal_linear(torch, n_in, hidden)
        self.l2 = orthogonal_linear(torch, hidden, hidden)
        self.l3 = orthogonal_linear(torch, hidden, n_out, bias=False)
        self.parameters = [p for l in (self.l1, self.l2, self.l3) for p in l.parameters()]

    def __call__(self, x):
        h = self.l1(x).tanh()
        h = self.l2(h).tanh()
        return self.l3(h)


def time_derivative(torch, model, field, x):
    """The predicted dx/dt: the baseline's output, or the HNN's symplectic gradient of H."""
    if model == "baseline":
        return field(x)
    # create_graph=True: the loss depends on dH/dx, so its gradient is a second derivative.
    (dh,) = torch.autograd.grad(field(x).sum(), x, create_graph=True)
    half = dh.shape[1] // 2
    return torch.cat([dh[:, half:], -dh[:, :half]], dim=1)


class Autoencoder:
    """n -> h, h -> h (residual), h -> h (residual), h -> z; decoder mirrored; ReLU."""

    def __init__(self, torch, n, hidden, latent):
        sizes = [(n, hidden), (hidden, hidden), (hidden, hidden), (hidden, latent)]
        sizes += [(b, a) for a, b in reversed(sizes)]
        self.layers = [orthogonal_linear(torch, a, b) for a, b in sizes]
        self.parameters = [p for l in self.layers for p in l.parameters()]

    def _stack(self, x, first):
        l1, l2, l3, l4 = self.layers[first:first + 4]
        h = l1(x).relu()
        h = h + l2(h).relu()
        h = h + l3(h).relu()
        return l4(h)

    def encode(self, x):
        return self._stack(x, 0)

    def decode(self, z):
        return self._stack(z, 4)


# ---------------------------------------------------------------- steps


def mlp_step_fn(torch, req):
    dim, batch, pool = req["dim"], req["batch"], req.get("pool")
    n = pool if pool is not None else batch
    x_all = torch.randn(n, dim)
    dx_all = torch.randn(n, dim)
    field = Mlp(torch, dim, req["hidden"], 1 if req["model"] == "hnn" else dim)
    opt = torch.optim.Adam(field.parameters, lr=1e-3, weight_decay=req["weightDecay"])

    def step():
        if pool is not None:
            idx = torch.randperm(n)[:batch]
            x, dx = x_all[idx], dx_all[idx]
        else:
            x, dx = x_all, dx_all
        if req["model"] == "hnn":
            x = x.requires_grad_(True) if pool is not None else x.detach().requires_grad_(True)
        pred = time_derivative(torch, req["model"], field, x)
        loss = ((pred - dx) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    return step


def pixel_step_fn(torch, req):
    n_in, latent, hidden = req["inputDim"], req["latentDim"], req["hidden"]
    batch, pool = req["batch"], req.get("pool") or req["batch"]
    # Pixel pairs lie in [0, ~0.5] (red minus green of the rod, / 255).
    pixels = torch.rand(pool, n_in) * 0.5
    next_pixels = torch.rand(pool, n_in) * 0.5
    ae = Autoencoder(torch, n_in, hidden, latent)
    field = Mlp(torch, latent, hidden, 1 if req["model"] == "hnn" else latent)
    opt = torch.optim.Adam(
        ae.parameters + field.parameters, lr=1e-3, weight_decay=req["weightDecay"]
    )
    half = latent // 2

    def step():
        idx = torch.randperm(pool)[:batch]
        x, x_next = pixels[idx], next_pixels[idx]
        z_both = ae.encode(torch.cat([x, x_next], dim=0))
        z, z_next = z_both[:batch], z_both[batch:]
        recon = ((x - ae.decode(z)) ** 2).mean()
        # Canonical coordinates: z_p should be the one-frame change of z_q.
        canonical = ((z[:, half:] - (z_next[:, :half] - z[:, :half])) ** 2).mean()
        # Latent dynamics: one Euler step of the learned field per frame.
        dynamics = ((z_next - (z + time_derivative(torch, req["model"], field, z))) ** 2).mean()
        loss = recon + canonical + 0.1 * dynamics
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    return step


def run_request(torch, req):
    for key in ("kind", "model", "batch", "warmup", "steps"):
        if key not in req:
            raise ValueError(f"request lacks '{key}'")
    req = {"hidden": 200, "weightDecay": 0.0, "seed": 0, "pool": None, **req}
    torch.manual_seed(req["seed"])
    step = (pixel_step_fn if req["kind"] == "pixel" else mlp_step_fn)(torch, req)
    samples = []
    first_loss = None
    loss = None
    for i in range(req["warmup"] + req["steps"]):
        t0 = time.perf_counter()
        loss = step()
        t1 = time.perf_counter()
        if i == 0:
            first_loss = loss.item()
        if i >= req["warmup"]:
            samples.append((t1 - t0) * 1000.0)
    return {
        "kind": req["kind"],
        "model": req["model"],
        "batch": req["batch"],
        "samplesMs": samples,
        # The loss must move: a step that trained nothing would time nothing.
        "lossFirst": first_loss,
        "lossLast": loss.item() if loss is not None else None,
        "threads": torch.get_num_threads(),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
