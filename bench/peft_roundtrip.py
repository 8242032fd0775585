"""Loads every adapter folder PeftExport wrote with Hugging Face PEFT and compares its output
with Graft's. Usage: python3 bench/peft_roundtrip.py <dir> (needs torch, peft, safetensors).
Folders named graft-only-* must be refused by PEFT; every other one must reproduce Graft's y."""
import os
import sys
import warnings

import torch
from peft import PeftModel
from safetensors.torch import load_file

warnings.filterwarnings("ignore")


class Two(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = torch.nn.Linear(16, 12)
        self.dec = torch.nn.Linear(12, 6)

    def forward(self, x):
        return self.dec(torch.relu(self.enc(x)))


class OneConv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 6, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


def main(root):
    import peft
    print(f"peft {peft.__version__}, torch {torch.__version__}")
    bad = 0
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if not os.path.isdir(d):
            continue
        conv = name.startswith("conv-")
        model = OneConv() if conv else Two()
        model.load_state_dict(load_file(os.path.join(
            root, "conv-base.safetensors" if conv else "base.safetensors")))
        io = load_file(os.path.join(d, "io.safetensors"))
        with torch.no_grad():
            base_gap = (model(io["x"]) - io["y"]).abs().max().item()
        try:
            peft_model = PeftModel.from_pretrained(model, d).eval()
            with torch.no_grad():
                err = (peft_model(io["x"]) - io["y"]).abs().max().item()
            ok = not name.startswith("graft-only") and err <= 1e-5
            print(f"{name:20s} max|PEFT y - Graft y| = {err:.2g} (base alone: {base_gap:.2g})")
        except Exception as e:  # noqa: BLE001 - a refusal is the expected outcome for some
            ok = name.startswith("graft-only")
            print(f"{name:20s} refused: {type(e).__name__}: {str(e)[:120]}")
        bad += 0 if ok else 1
    print("all as expected" if bad == 0 else f"{bad} unexpected")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1])
