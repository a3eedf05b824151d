"""Numbers in JSON from outside (a weights index, a safetensors header, a server's answer, a report given to `diff`):
`NaN`, `Infinity`, `1e999`, integers of thousands of digits and nesting past the interpreter's limit are a finding
or one error line, never an internal error, and never reach a report as invalid JSON."""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.hardening.helpers import one_line_error, problem_codes, run_cli

from opencheck.exit_status import ExitStatus
from opencheck.untrusted_json import loads_untrusted

FORMATS = ("text", "json", "markdown", "html", "sarif", "junit", "badge")
BIG = "9" * 4000  # under Python's 4,300-digit limit, so json.loads reads it; a product of two is over it


def _strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in a JSON report")

    return json.loads(text, parse_constant=refuse)


def _check_every_format(folder: Path) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for fmt in FORMATS:
        result = run_cli(["check", str(folder), "-p", "mof", "-f", fmt])
        assert result.code == ExitStatus.SUCCESS, (fmt, result.err)
        assert "internal error" not in result.err
        if fmt in ("json", "sarif", "badge"):
            report = _strict_json(result.out)
            if fmt == "json":
                assert isinstance(report, dict)
                codes = problem_codes(report)
    return codes


def _safetensors(header: str, data: bytes = b"\0" * 4) -> bytes:
    raw = header.encode()
    return struct.pack("<Q", len(raw)) + raw + data


def test_untrusted_json_reads_non_finite_numbers_as_null_and_refuses_the_rest() -> None:
    assert loads_untrusted('[NaN, Infinity, -Infinity, 1e999, -1e999, 1.5, 1000000000000000019884624838656]') == [
        None, None, None, None, None, 1.5, 1000000000000000019884624838656]
    for hostile in ("1" + "0" * 100, "-" + BIG, "[" * 100_000 + "]" * 100_000, b'"\xff"'):
        with pytest.raises(ValueError):
            loads_untrusted(hostile)


@pytest.mark.parametrize("total", ["1e999", "Infinity", "-Infinity", "NaN", BIG, "1.5e300", "-5", "true"])
def test_hostile_total_size_in_a_weights_index(tmp_path: Path, total: str) -> None:
    # Fixed: `int(inf)` of `"total_size": 1e999` raised OverflowError: an internal error in every format.
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n", encoding="utf-8")
    (tmp_path / "model.safetensors.index.json").write_text(
        '{"metadata": {"total_size": ' + total + '}, "weight_map": {"w": "model-1.safetensors"}}', encoding="utf-8")
    codes = _check_every_format(tmp_path)
    assert ("weights-index-invalid" in codes) == (total == BIG)


@pytest.mark.parametrize("shape", [f"[{BIG}, {BIG}]", ", ".join(["99999999999"] * 2000).join("[]"),
                                   "[4294967296, 4294967296, 2]"])
def test_safetensors_shape_past_2_64_elements_is_invalid(tmp_path: Path, shape: str) -> None:
    # Fixed: the product of the dimensions passed 4,300 digits and `str()` of the parameter count raised ValueError.
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n", encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(
        _safetensors('{"w": {"dtype": "F32", "shape": ' + shape + ', "data_offsets": [0, 4]}}'))
    assert "safetensors-invalid" in _check_every_format(tmp_path)


def test_non_finite_numbers_in_config_files_stay_out_of_the_report(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n", encoding="utf-8")
    (tmp_path / "config.json").write_text(
        '{"model_type": "llama", "hidden_size": NaN, "num_hidden_layers": Infinity, "vocab_size": 1e999, '
        '"intermediate_size": -Infinity, "num_attention_heads": 32}', encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(
        _safetensors('{"__metadata__": {"total": "NaN"}, "w": {"dtype": "F32", "shape": [1], '
                     '"data_offsets": [0, 1e999]}}'))
    codes = _check_every_format(tmp_path)
    assert "config-invalid" not in codes


def test_a_report_with_a_huge_integer_or_deep_nesting_is_one_diff_error(tmp_path: Path) -> None:
    # Fixed: a 5,000-digit integer in a report given to diff raised ValueError outside the JSON error handler.
    good = tmp_path / "good.json"
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("# M\n", encoding="utf-8")
    result = run_cli(["check", str(folder), "-p", "mof", "-f", "json", "-o", str(good)])
    assert result.code == ExitStatus.SUCCESS, result.err
    for name, text in (("big.json", '{"schema_version": "1.0", "x": 1%s}' % ("0" * 5000)),
                       ("deep.json", "[" * 100_000 + "]" * 100_000)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        for args in ((str(good), str(tmp_path / name)), (str(tmp_path / name), str(good))):
            line = one_line_error(run_cli(["diff", *args]), ExitStatus.USAGE_ERROR)
            assert "not a JSON report" in line


class _Hostile(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_hub() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"id": "a/b", "usedStorage": 1%s}' % ("0" * 5000)])
def test_hostile_numbers_or_nesting_from_the_hub_are_a_runtime_error(hostile_hub: ThreadingHTTPServer,
                                                                    body: str) -> None:
    # Fixed: a model info nested 100,000 deep escaped as RecursionError: exit 2 ("usage error") for a server fault.
    _Hostile.body = body.encode()
    result = run_cli(["check", "org/model", "-p", "mof", "--no-cache"],
                     env={"HF_ENDPOINT": f"http://127.0.0.1:{hostile_hub.server_address[1]}"})
    assert "invalid JSON" in one_line_error(result, ExitStatus.RUNTIME_ERROR)
