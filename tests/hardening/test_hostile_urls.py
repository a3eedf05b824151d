"""URLs urllib cannot split (a bracketed host that is not an IP address, a bad port) from a manifest, a targets
file or a server's `Location` header: a finding or one error line, never an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.hardening.helpers import one_line_error, run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.exit_status import ExitStatus
from opencheck.url_parts import same_origin, split_url, url_host, url_origin

# Each makes `urllib.parse.urlsplit` or `.port` raise ValueError. The first is what the redactor writes over
# `user:token@`, so a credential in any URL turned into one of these.
UNSPLITTABLE = [
    "https://[redacted]@github.com/a/b",
    "http://[x]/",
    "http://[::1/",
    "http://127.0.0.1:99999/x",
    "http://127.0.0.1:abc/x",
    "https://h\uff03ost.example/",  # NFKC turns the fullwidth number sign into '#'
]

MANIFEST = """framework: {name: Model Openness Framework, version: "1.0", date: "2024-12-15"}
release:
  name: x
  producer: y
  repository: "REPO"
  license:
    distribution: {name: MIT, path: LICENSE}
  components:
    - name: Model card
      license: MIT
      component_path: "PATH"
"""


@pytest.mark.parametrize("url", UNSPLITTABLE)
def test_split_url_reads_unsplittable_urls_as_none(url: str) -> None:
    assert split_url(url) is None and url_origin(url) is None and url_host(url) == ""
    assert not same_origin(url, url)
    assert url_origin("https://Hub.example/a") == ("https", "hub.example", 443)
    assert same_origin("http://h:80/x?y", "http://h/") and not same_origin("https://h/", "http://h/")


@pytest.mark.parametrize("url", UNSPLITTABLE)
def test_unsplittable_urls_in_a_manifest_render_in_every_format(tmp_path: Path, url: str) -> None:
    # Fixed: the HTML report's link check (`urlparse`) raised on `https://[redacted]@...`: "internal error".
    (tmp_path / "opencheck.yaml").write_text(MANIFEST.replace("REPO", url).replace("PATH", url), encoding="utf-8")
    (tmp_path / "README.md").write_text("# M\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    for fmt in ("text", "json", "markdown", "html", "sarif", "junit", "badge"):
        result = run_cli(["check", str(tmp_path), "-p", "mof", "-f", fmt])
        assert result.code == ExitStatus.SUCCESS, (fmt, result.err)
        assert "internal error" not in result.err
        if fmt == "html":
            assert 'href="' + url not in result.out  # never made a link


def test_unsplittable_hub_url_in_a_targets_file_is_one_failed_target(tmp_path: Path) -> None:
    # Fixed: `looks_like_hub_target` split the line with urllib and the whole batch ended in an internal error.
    targets = tmp_path / "targets.txt"
    targets.write_text("".join(u.replace("github.com", "huggingface.co") + "\n" for u in UNSPLITTABLE),
                       encoding="utf-8")
    result = run_cli(["batch", str(targets), "--db", str(tmp_path / "s.db"), "-p", "mof"])
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert result.code in (ExitStatus.SUCCESS, ExitStatus.GATE_FAILED, ExitStatus.RUNTIME_ERROR), result.err


@pytest.mark.parametrize("location", [*UNSPLITTABLE[1:-1], "file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_redirect_to_an_unusable_url_is_one_line(hub_server: HubReplayServer, location: str) -> None:
    # Fixed: the redirect check split the server's Location with urllib (ValueError: internal error).
    hub_server.add_fault("/api/models/EleutherAI/pythia-160m", "redirect", times=None, location=location)
    result = run_cli(["check", "EleutherAI/pythia-160m", "-p", "mof", "--no-cache"],
                     env={"HF_ENDPOINT": hub_server.url, "HF_TOKEN": "hf_FAKEtoken0123456789abcdefFAKE"})
    line = one_line_error(result, ExitStatus.RUNTIME_ERROR)
    assert "not http(s) or cannot be read" in line
    assert hub_server.count("/api/models/EleutherAI/pythia-160m") == 1


@pytest.mark.parametrize("reference", ["https://[x]/a", "https://ex.com/a b", "https://ex.com:99999/", "javascript:x"])
def test_a_custom_pack_reference_that_is_no_uri_is_not_the_sarif_help_uri(tmp_path: Path, reference: str) -> None:
    # Fixed: any reference starting with http(s) became the rule's `helpUri`, which SARIF requires to be a URI.
    (tmp_path / "README.md").write_text("# M\n", encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(
        'schema_version: 1\nname: mine\nversion: "1.0.0"\ntitle: t\ndescription: d\ngrading:\n  scheme: count\n'
        "rules:\n- id: OC-MINE-ONE\n  title: t\n  severity: info\n  rationale: r\n  remediation: r\n"
        f"  reference: {json.dumps(reference)}\n  condition:\n    card_text_matches: {{patterns: [zz]}}\n",
        encoding="utf-8")
    result = run_cli(["check", str(tmp_path), "-p", str(tmp_path / "pack.yaml"), "-f", "sarif"])
    assert result.code == ExitStatus.SUCCESS, result.err
    rules = json.loads(result.out)["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"] != reference and " " not in rule["helpUri"] for rule in rules)
