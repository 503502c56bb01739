#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gan1d-bench in PyTorch: the workload of bench/gan1d.c, for a side-by-side timing.

Data 0.5 N(-2, 0.5) + 0.5 N(2, 0.5); z ~ N(0, 1) scalar; G 1-16-16-1 tanh; D 1-32-32-1
leaky ReLU 0.2 (logit out); non-saturating G loss, k = 1, alternating; batch 128;
Adam(lr 1e-3, betas 0.5/0.999) for both; float64; one thread.

Usage: torch_gan1d.py [STEPS]   (default 5000)

Like bench/gan1d.c: one untimed warm-up run, then three timed runs of STEPS steps from
the same seed, best reported. Written to give PyTorch its best plain-eager chance: the
real and fake rows go through D as one batch of 2*batch (as in ganlab), and the G-step
backpropagates into G's parameters only (ganlab skips D's parameter gradients there too).
"""
import sys
import time

import torch

F = torch.nn.functional
torch.set_num_threads(1)
DT = torch.float64
B = 128
REPS = 3


def networks():
    g = torch.nn.Sequential(
        torch.nn.Linear(1, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 1)).to(DT)
    d = torch.nn.Sequential(
        torch.nn.Linear(1, 32), torch.nn.LeakyReLU(0.2),
        torch.nn.Linear(32, 32), torch.nn.LeakyReLU(0.2),
        torch.nn.Linear(32, 1)).to(DT)
    return g, d


def real(n):
    """n samples of 0.5 N(-2, 0.5) + 0.5 N(2, 0.5)"""
    mode = torch.randint(0, 2, (n, 1)).to(DT) * 4.0 - 2.0
    return mode + 0.5 * torch.randn(n, 1, dtype=DT)


def run(steps):
    torch.manual_seed(1)
    g, d = networks()
    og = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.5, 0.999))
    gparams = list(g.parameters())
    ones = torch.ones(B, 1, dtype=DT)
    zeros = torch.zeros(B, 1, dtype=DT)
    t0 = time.process_time()
    for _ in range(steps):
        # D-step: real and fake rows as one batch; L_D = BCE(real, 1) + BCE(fake, 0)
        with torch.no_grad():
            fake = g(torch.randn(B, 1, dtype=DT))
        a = d(torch.cat((real(B), fake)))
        loss_d = F.binary_cross_entropy_with_logits(a[:B], ones) + \
            F.binary_cross_entropy_with_logits(a[B:], zeros)
        od.zero_grad(set_to_none=True)
        loss_d.backward()
        od.step()
        # G-step, non-saturating: L_G = -mean log D(G(z)) = BCE(D(G(z)), 1)
        loss_g = F.binary_cross_entropy_with_logits(d(g(torch.randn(B, 1, dtype=DT))), ones)
        og.zero_grad(set_to_none=True)
        loss_g.backward(inputs=gparams)
        og.step()
    return time.process_time() - t0, loss_d.item(), loss_g.item()


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    run(steps)  # warm-up
    best = min(run(steps)[0] for _ in range(REPS))
    print(f"torch {torch.__version__}, {steps} steps, best of {REPS}: {best:.3f} s, "
          f"best_steps_per_s {steps / best:.1f}")


if __name__ == "__main__":
    main()
