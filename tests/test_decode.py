import codecs

import pytest

from extractors.decode import decode_bytes
from extractors.errors import BinaryContent, EmptyDocument


def test_utf8_is_used_when_valid() -> None:
    assert decode_bytes("Zelensky’s “plan”".encode()) == ("Zelensky’s “plan”", "utf-8")


@pytest.mark.reliability
@pytest.mark.timeout(10)
def test_cp1252_labelled_latin1_decodes_as_cp1252() -> None:
    text, charset = decode_bytes("“quoted” – dash".encode("cp1252"), "ISO-8859-1")
    assert text == "“quoted” – dash"
    assert charset == "cp1252"


@pytest.mark.reliability
@pytest.mark.timeout(10)
def test_bom_wins_over_a_declared_latin1_header() -> None:
    data = codecs.BOM_UTF8 + "Kyiv’s café".encode()
    assert decode_bytes(data, "latin-1") == ("Kyiv’s café", "utf-8")


@pytest.mark.reliability
@pytest.mark.timeout(10)
def test_meta_only_shift_jis_page() -> None:
    html = '<html><head><meta charset="shift_jis"></head><body>東京のニュース</body></html>'
    text, charset = decode_bytes(html.encode("shift_jis"), None, html=True)
    assert "東京のニュース" in text
    assert charset == "shift_jis"


def test_undeclared_legacy_text_is_guessed() -> None:
    original = "Der Präsident äußerte sich über die Gespräche in München. " * 5
    text, _ = decode_bytes(original.encode("cp1252"))
    assert "Präsident äußerte" in text


@pytest.mark.reliability
@pytest.mark.timeout(10)
def test_invalid_bytes_under_a_declared_charset_become_replacement_characters() -> None:
    text, _ = decode_bytes(b"ok \xff\xfe bytes", "utf-8")
    assert text.startswith("ok ") and "\ufffd" in text


@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(EmptyDocument):
        decode_bytes(data)


def test_binary_input_is_refused() -> None:
    with pytest.raises(BinaryContent):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
