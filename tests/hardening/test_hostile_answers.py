"""Answers of a hostile look-up server that earlier checks let through."""

from __future__ import annotations

import pytest

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
