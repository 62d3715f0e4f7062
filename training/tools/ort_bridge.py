"""Run an ONNX graph with onnxruntime-node from Python (Debian has no onnxruntime for Python;
the app's own runtime is the one that matters). Needs node and the repo's node_modules."""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

RUNNER = Path(__file__).with_name("ort_run.mjs")


def run_onnx(model: Path, inputs: dict[str, np.ndarray], threads: int = 2, repeat: int = 1,
             with_cpu: bool = False) -> tuple[dict[str, np.ndarray], float] | tuple[dict[str, np.ndarray], float, float]:
    """Returns the outputs by name and the mean wall time per run in ms (and CPU ms if asked)."""
    with tempfile.TemporaryDirectory(prefix="ort-") as tmp:
        specs = []
        for name, arr in inputs.items():
            file = Path(tmp) / f"in-{name}.f32"
            np.ascontiguousarray(arr, dtype="<f4").tofile(file)
            specs.append({"name": name, "shape": list(arr.shape), "file": str(file)})
        request = {"model": str(model), "inputs": specs, "outDir": tmp, "threads": threads, "repeat": repeat}
        proc = subprocess.run(["node", str(RUNNER)], input=json.dumps(request), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{model}: onnxruntime-node failed: {proc.stderr.strip()[-2000:]}")
        reply = json.loads(proc.stdout)
        outs = {o["name"]: np.fromfile(o["file"], dtype="<f4").reshape(o["shape"]) for o in reply["outputs"]}
        if with_cpu:
            return outs, float(reply["ms"]), float(reply["cpuMs"])
        return outs, float(reply["ms"])
