#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gan2d-bench in PyTorch: the workload of bench/gan2d.c, for a side-by-side timing.

Data ring(8, 2, 0.02): eight Gaussians of std 0.02 on a circle of radius 2, equal weights.
z ~ N(0, I_2). G 2-128-128-128-2 ReLU hidden, linear out; D 2-128-128-1 leaky ReLU 0.2
hidden, logit out. Non-saturating G loss, k = 1, alternating, batch 256 real + 256 fake,
Adam(lr 1e-4, betas 0.5/0.999) for both, float64, one thread.

Usage: torch_gan2d.py [STEPS]   (default 500)
One untimed warm-up run of STEPS/5 steps, then three timed runs of STEPS steps; the best
is reported, as in bench/gan2d.c. Real and fake rows go through D as one batch, and the G-step backpropagates
into G's parameters only: PyTorch's best plain-eager form of this loop.
"""
import math
import sys
import time

import torch

torch.set_num_threads(1)
F = torch.nn.functional
DT = torch.float64
B = 256
REPS = 3
CENTRES = torch.tensor([[2 * math.cos(2 * math.pi * i / 8), 2 * math.sin(2 * math.pi * i / 8)]
                        for i in range(8)], dtype=DT)


def networks():
    g = torch.nn.Sequential(
        torch.nn.Linear(2, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 2)).to(DT)
    d = torch.nn.Sequential(
        torch.nn.Linear(2, 128), torch.nn.LeakyReLU(0.2),
        torch.nn.Linear(128, 128), torch.nn.LeakyReLU(0.2),
        torch.nn.Linear(128, 1)).to(DT)
    return g, d


def real(n):
    return CENTRES[torch.randint(0, 8, (n,))] + 0.02 * torch.randn(n, 2, dtype=DT)


def run(steps):
    torch.manual_seed(1)
    g, d = networks()
    og = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), lr=1e-4, betas=(0.5, 0.999))
    gparams = list(g.parameters())
    ones = torch.ones(B, 1, dtype=DT)
    zeros = torch.zeros(B, 1, dtype=DT)
    t0 = time.process_time()
    for _ in range(steps):
        with torch.no_grad():
            fake = g(torch.randn(B, 2, dtype=DT))
        a = d(torch.cat((real(B), fake)))
        loss_d = F.binary_cross_entropy_with_logits(a[:B], ones) + \
            F.binary_cross_entropy_with_logits(a[B:], zeros)
        od.zero_grad(set_to_none=True)
        loss_d.backward()
        od.step()
        loss_g = F.binary_cross_entropy_with_logits(d(g(torch.randn(B, 2, dtype=DT))), ones)
        og.zero_grad(set_to_none=True)
        loss_g.backward(inputs=gparams)
        og.step()
    return time.process_time() - t0


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    run(max(1, steps // 5))
    best = min(run(steps) for _ in range(REPS))
    print(f"torch {torch.__version__}, gan2d-bench, {steps} steps, best of {REPS}: {best:.3f} s, "
          f"best_steps_per_s {steps / best:.1f}")


if __name__ == "__main__":
    main()
