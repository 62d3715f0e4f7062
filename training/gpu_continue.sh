#!/usr/bin/env bash
# Continue FideDiff-Tiny's cumulative training on a lent GPU machine in ONE device call
# (issue 3: ≤ 9 minutes a call, checkpoint back through $OUT, blur synthesised on the GPU).
# Before the call, on the CPU machine:  /usr/bin/python3 -m training.data.pack_photos
# Device call:  command "bash training/gpu_continue.sh", carry ["training/.data/photo-pack"],
#               timeout_s 600. Afterwards copy $OUT's fidediff-tiny.pt over
#               training/checkpoints/fidediff-tiny.pt, re-export, run evaluate.py, log in runs.md.
set -euo pipefail
MINUTES="${MINUTES:-7.5}"
CONFIG="${CONFIG:-training/configs/fidediff_tiny_gpu.yaml}"
OUT="${OUT:-/tmp/fidediff-out}"
mkdir -p "$OUT"
PY="$(command -v python3)"
"$PY" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name(0))"
"$PY" -m training.train --config "$CONFIG" --device cuda --threads 8 --minutes "$MINUTES" \
  --data-cache training/.data/photo-pack --log "$OUT/val.jsonl" > "$OUT/train.log" 2>&1 \
  || { tail -n 30 "$OUT/train.log"; exit 1; }
grep -E "^(VAL|DONE)" "$OUT/train.log" | tail -n 20
cp training/checkpoints/fidediff-tiny.pt "$OUT/fidediff-tiny.pt"
