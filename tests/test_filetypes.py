"""Evidence judged by its bytes (contract/filetypes.py), and why a file is refused, in the
language of the person who chose it."""

from __future__ import annotations

from xrewards_desk.contract import filetypes

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 40


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    assert filetypes.sniff(PDF) == filetypes.PDF
    assert filetypes.sniff(ZIP) is None
    assert filetypes.refusal(PDF, "scan.txt") is None


def test_refusals_in_english_and_german() -> None:
    assert filetypes.refusal(b"", "leer.pdf") == "leer.pdf is empty."
    assert filetypes.refusal(b"", "leer.pdf", "de") == "leer.pdf ist leer."
    english = filetypes.refusal(ZIP, "Scan.pdf")
    german = filetypes.refusal(ZIP, "Scan.pdf", "de")
    assert english is not None and "judged by its content, not its name" in english
    assert german is not None and german.startswith("Scan.pdf ist weder PDF noch PNG")
    big = b"%PDF-" + b"0" * (filetypes.MAX_BYTES + 1)
    # 20 MiB + 6 bytes: 20.0 MiB, at most 20 MiB
    assert filetypes.refusal(big, "gross.pdf", "de") == (
        "gross.pdf ist 20,0 MiB groß; Nachweise dürfen höchstens 20 MiB groß sein.")
