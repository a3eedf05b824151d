"""Write the tiny, real safetensors files used by the bundled examples (run from this folder).

The safetensors format is an 8-byte little-endian header length, a JSON header, then raw tensor bytes,
so the files are written by hand with `struct` and `json` (no numpy or torch needed).
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

# A 1-layer decoder with hidden size 8 and a 32-token vocabulary, matching examples/*/config.json.
SHAPES: dict[str, list[int]] = {
    "model.embed_tokens.weight": [32, 8],
    "model.layers.0.input_layernorm.weight": [8],
    "model.layers.0.self_attn.q_proj.weight": [8, 8],
    "model.layers.0.self_attn.k_proj.weight": [8, 8],
    "model.layers.0.self_attn.v_proj.weight": [8, 8],
    "model.layers.0.self_attn.o_proj.weight": [8, 8],
    "model.layers.0.post_attention_layernorm.weight": [8],
    "model.layers.0.mlp.gate_proj.weight": [16, 8],
    "model.layers.0.mlp.up_proj.weight": [16, 8],
    "model.layers.0.mlp.down_proj.weight": [8, 16],
    "model.norm.weight": [8],
}


def write_safetensors(path: Path, seed: int, step: str) -> None:
    """Write F16 tensors with deterministic pseudo-random values."""
    rng = random.Random(seed)
    header: dict[str, object] = {"__metadata__": {"format": "pt", "step": step}}
    blobs: list[bytes] = []
    offset = 0
    for name, shape in SHAPES.items():
        count = 1
        for dim in shape:
            count *= dim
        data = struct.pack(f"<{count}e", *(rng.uniform(-0.1, 0.1) for _ in range(count)))
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the format pads the header to a multiple of 8 bytes
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    write_safetensors(here / "open-model" / "model.safetensors", 143000, "143000")
    write_safetensors(here / "open-model" / "checkpoints" / "step1000" / "model.safetensors", 1000, "1000")
    write_safetensors(here / "open-weights-only" / "model.safetensors", 7, "final")
