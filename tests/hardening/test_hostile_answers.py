"""Answers of a hostile look-up server that earlier checks let through."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.hardening.helpers import run_cli

from opencheck.exit_status import ExitStatus
from opencheck.sources.arxiv import parse_record

RECORD = ('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><metadata>'
          '<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><license>LICENCE</license><title>T</title></arXiv>'
          "</metadata></record></GetRecord></OAI-PMH>")
DTD = '<!DOCTYPE OAI-PMH [<!ENTITY e "http://creativecommons.org/licenses/by/4.0/">]>'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "cp037"])
def test_arxiv_record_hiding_its_dtd_in_another_encoding_is_refused(encoding: str) -> None:
    # Fixed: the DTD test looked for the bytes `<!DOCTYPE`, so a record in UTF-16 declared entities unseen and the
    # parser expanded them (here into an open licence the paper does not have).
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    body = (declaration + DTD + RECORD.replace("LICENCE", "&e;")).encode(encoding)
    with pytest.raises(ValueError, match=r"not UTF-8|declares a DTD|not XML"):
        parse_record(body)


def test_a_utf8_record_whatever_its_declaration_says_is_read_as_utf8() -> None:
    body = ('<?xml version="1.0" encoding="UTF-16"?>' + RECORD.replace("LICENCE", "https://ex.org/é")).encode()
    assert parse_record(body)["license"] == "https://ex.org/é"
    with pytest.raises(ValueError, match="declares a DTD"):
        parse_record((DTD + RECORD).encode())


INFO = ('{"id": "org/model", "sha": "' + "0" * 40 + '", "siblings": [{"rfilename": "README.md"}, '
        '{"rfilename": "a\\ud800.safetensors"}], "cardData": {"license": "\\ud800", "datasets": ["o/\\udfff"]}, '
        '"tags": ["\\udfff", "license:mit"], "author": "\\ud83d"}')


class _SurrogateHub(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = INFO.encode() if self.path.startswith("/api/models/") else b"---\nlicense: mit\n---\n# M\n"
        self.send_response(200 if self.path.startswith("/api/models/") or "README" in self.path else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def surrogate_hub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SurrogateHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_lone_surrogates_in_a_hub_answer_are_replaced_in_every_output(surrogate_hub: str, tmp_path: Path) -> None:
    # Fixed: a JSON escape `\ud800` decoded to a lone surrogate, which stdout, a report file and SQLite cannot
    # encode: every format of the check ended in an internal UnicodeEncodeError.
    env = {"HF_ENDPOINT": surrogate_hub}
    for fmt in ("text", "json", "markdown", "html", "sarif", "junit", "badge"):
        result = run_cli(["check", "org/model", "-p", "mof", "-f", fmt, "--no-cache"], env=env)
        assert result.code == ExitStatus.SUCCESS, (fmt, result.err)
        assert not any("\ud800" <= c <= "\udfff" for c in result.out + result.err)
    targets = tmp_path / "targets.txt"
    targets.write_text("org/model\n", encoding="utf-8")
    result = run_cli(["batch", str(targets), "--db", str(tmp_path / "s.db"), "-p", "mof", "--no-cache"], env=env)
    assert result.code == ExitStatus.SUCCESS and "internal error" not in result.err, result.err


class _HostileHistory(BaseHTTPRequestHandler):
    link = ""

    def do_GET(self) -> None:
        headers: dict[str, str] = {}
        if "/commits/" in self.path:
            body = ('[{"id": 5, "title": {"a": 1}, "date": 12345}, 1, null, "x", {"id": "' + "a" * 40 + '", '
                    '"title": "\\u202e::error::x", "date": "2024-01-01T00:00:00Z"}]')
            if self.link:
                headers["Link"] = f'<{self.link}>; rel="next"'
        elif self.path.endswith("/refs"):
            body = '{"branches": [{"name": "main", "targetCommit": 5}, {"name": 5}], "tags": "x"}'
        elif self.path.startswith("/api/models/"):
            body = '{"id": "org/model", "sha": "' + "a" * 40 + '", "siblings": [{"rfilename": "README.md"}]}'
        else:
            body = "---\nlicense: mit\n---\n# M\n"
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def history_hub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileHistory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _HostileHistory.link = ""
        server.shutdown()
        server.server_close()


def test_history_reads_commits_of_any_json_type(history_hub: str) -> None:
    # Fixed: a commit id that was a number reached the sha pattern: TypeError, an internal error.
    for fmt in ("text", "json", "markdown", "html"):
        result = run_cli(["history", "org/model", "-f", fmt, "--no-cache"], env={"HF_ENDPOINT": history_hub})
        assert result.code == ExitStatus.SUCCESS, (fmt, result.err)
        assert "\u202e" not in result.out
        assert not any(line.lstrip().startswith("::") for line in result.out.splitlines())


@pytest.mark.parametrize("link", ["http://[x]/next", "http://127.0.0.1:99999/next", "http://127.0.0.1:abc/next"])
def test_history_next_page_link_urllib_cannot_split_is_one_line(history_hub: str, link: str) -> None:
    _HostileHistory.link = link
    result = run_cli(["history", "org/model", "--no-cache"], env={"HF_ENDPOINT": history_hub})
    assert result.code == ExitStatus.RUNTIME_ERROR and "internal error" not in result.err, result.err
    assert "next page is on another host" in result.err and len(result.err.splitlines()) == 1


WRONG_TYPES = [5, {"a": 1}, [1, {"x": 2}], None, True, 1.5, "x"]
CARD_KEYS = ("license", "license_name", "license_link", "datasets", "base_model", "model-index", "co2_eq_emissions",
             "language", "tags", "pipeline_tag", "library_name", "model_name")
INFO_KEYS = ("tags", "cardData", "gated", "private", "disabled", "pipeline_tag", "library_name", "baseModels",
             "safetensors", "model-index", "evalResults", "lastModified", "downloads", "likes", "config")


def _wrong_types_info(shift: int) -> str:
    info: dict[str, object] = {"id": "org/model", "sha": "a" * 40,
                               "siblings": [{"rfilename": "README.md"}, {"rfilename": "x", "lfs": 5, "size": "big"}]}
    info.update({key: WRONG_TYPES[(shift + i) % len(WRONG_TYPES)] for i, key in enumerate(INFO_KEYS)})
    if shift % 2:
        info["cardData"] = {key: WRONG_TYPES[(shift + i) % len(WRONG_TYPES)] for i, key in enumerate(CARD_KEYS)}
    return json.dumps(info)


class _WrongTypesHub(BaseHTTPRequestHandler):
    shift = 0

    def do_GET(self) -> None:
        if self.path.startswith("/api/datasets/"):
            body = json.dumps({key: WRONG_TYPES[(self.shift + i) % 7] for i, key in enumerate(INFO_KEYS)})
        elif self.path.endswith("/refs"):
            body = json.dumps({"branches": WRONG_TYPES[self.shift % 7], "tags": WRONG_TYPES[(self.shift + 1) % 7]})
        elif self.path.startswith("/api/models/"):
            body = _wrong_types_info(self.shift)
        else:
            body = "---\nlicense: mit\ndatasets: [o/d]\n---\n# M\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("shift", range(len(WRONG_TYPES)))
def test_model_info_fields_of_any_json_type_are_read_as_absent(shift: int) -> None:
    # Fixed: `tags` of 5, `None` or 1.5 (and `refs.branches`, dataset `tags`) were iterated as lists: TypeError.
    _WrongTypesHub.shift = shift
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WrongTypesHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {"HF_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}"}
        for fmt in ("json", "html"):
            result = run_cli(["check", "org/model", "-p", "all", "-f", fmt, "--no-cache"], env=env)
            assert result.code in (ExitStatus.SUCCESS, ExitStatus.GATE_FAILED), (fmt, result.err)
            assert "internal error" not in result.err
    finally:
        server.shutdown()
        server.server_close()
