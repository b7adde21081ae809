"""Training-step throughput of the fashion-cnn network in PyTorch, for the side-by-side benchmark.

conv3x3x32 (no bias) - BatchNorm - ReLU - maxpool 2 - conv3x3x64 (no bias) - BatchNorm - ReLU -
maxpool 2 - flatten - dense 128 ReLU - dropout 0.3 - dense 10, softmax cross-entropy, Adam 1e-3,
every layer trainable: the network and step `bench/onnx-train.ts` times on the ONNX engine.

    python3 bench/pytorch_step.py --threads 1 --batch 32 --steps 60

Prints one JSON object: {"threads", "batch", "steps", "samplesPerSec", "torch"}.
"""
import argparse
import json
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--steps", type=int, default=60)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(args.batch, 1, 28, 28)
y = torch.randint(0, 10, (args.batch,))


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


for _ in range(5):
    step()
t0 = time.perf_counter()
for _ in range(args.steps):
    step()
seconds = time.perf_counter() - t0
print(json.dumps({"threads": args.threads, "batch": args.batch, "steps": args.steps, "samplesPerSec": args.steps * args.batch / seconds, "torch": torch.__version__}))
