"""Issue 22 item 2: the desktop's files sealed with AES-256-GCM (store/vault.py), and the
evidence cache through it: a round trip, a changed byte, another key, a file copied over
another's name and a wrong header are each refused with nothing changed on disk; a plain
file of the previous version is still read and re-written sealed."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from xrewards_desk.store.vault import MAGIC, Vault, VaultError, is_sealed, seal, unseal
from xrewards_desk.sync.evidence import EvidenceFolder, EvidenceMissing

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def key() -> bytes:
    """A file key as DeskKey.file_key gives one: 32 random bytes."""
    return os.urandom(32)


def test_a_sealed_file_round_trips_and_holds_no_plaintext(tmp_path: Path) -> None:
    vault = Vault(key())
    path = tmp_path / "kept" / "one"
    secret = b"Ada Lovelace <ada@example.com> DE89 3704 0044 0532 0130 00"
    vault.write(path, secret, "mail:one")
    raw = path.read_bytes()
    assert raw.startswith(MAGIC) and secret not in raw and b"ada@example.com" not in raw
    # header 4 + nonce 12 + tag 16 around the ciphertext of the same length (GCM)
    assert len(raw) == 4 + 12 + len(secret) + 16
    assert vault.read(path, "mail:one") == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["one"]  # no temporary file left
    # a random nonce per file: the same bytes sealed twice differ
    vault.write(tmp_path / "two", secret, "mail:one")
    assert (tmp_path / "two").read_bytes() != raw


def test_a_changed_byte_another_key_and_a_wrong_header_are_refused(tmp_path: Path) -> None:
    k = key()
    blob = seal(k, "evidence:x", b"the customer's letter")
    for i in (0, 5, 20, len(blob) - 1):  # header, nonce, ciphertext, tag
        changed = bytearray(blob)
        changed[i] ^= 0x01
        with pytest.raises(VaultError):
            unseal(k, "evidence:x", bytes(changed))
    with pytest.raises(VaultError, match="another key"):
        unseal(key(), "evidence:x", blob)
    with pytest.raises(VaultError, match="no XRV1 header"):
        unseal(k, "evidence:x", b"XRV2" + blob[4:])
    with pytest.raises(VaultError, match="cut short"):
        unseal(k, "evidence:x", blob[:20])
    # refused through a Vault: the file stays exactly as it was
    path = tmp_path / "f"
    path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    before = path.read_bytes()
    with pytest.raises(VaultError):
        Vault(k).read(path, "evidence:x")
    assert path.read_bytes() == before


def test_a_file_copied_over_another_name_does_not_open(tmp_path: Path) -> None:
    vault = Vault(key())
    vault.write(tmp_path / "a", b"mail of customer A", "mail:a")
    vault.write(tmp_path / "b", b"mail of customer B", "mail:b")
    os.replace(tmp_path / "a", tmp_path / "b")
    with pytest.raises(VaultError, match="for another file"):
        vault.read(tmp_path / "b", "mail:b")


def test_a_plain_file_is_refused_unless_asked_and_a_plainless_vault_refuses_sealed(
        tmp_path: Path) -> None:
    k = key()
    plain = tmp_path / "old"
    plain.write_bytes(b"an earlier version's file")
    with pytest.raises(VaultError, match="no XRV1 header"):
        Vault(k).read(plain, "mail:old")
    assert Vault(k).read(plain, "mail:old", plain_ok=True) == b"an earlier version's file"
    assert Vault(k).seal_plain(plain, "mail:old") is True
    assert is_sealed(plain.read_bytes())
    assert Vault(k).seal_plain(plain, "mail:old") is False  # once
    with pytest.raises(VaultError, match="no key"):
        Vault(None).read(plain, "mail:old")
    with pytest.raises(ValueError, match="32 bytes"):
        Vault(b"short")


def test_evidence_is_sealed_its_label_too_and_checked_by_its_sha(tmp_path: Path) -> None:
    folder = EvidenceFolder(tmp_path, key())
    label = "Rechnung Müller GmbH.pdf"
    sha = folder.put(PDF, label)
    assert sha == hashlib.sha256(PDF).hexdigest()
    assert folder.has(sha)
    raw = (tmp_path / "evidence" / sha).read_bytes()
    meta = (tmp_path / "evidence" / f"{sha}.json").read_bytes()
    assert is_sealed(raw) and is_sealed(meta) and b"%PDF" not in raw
    assert "Müller".encode() not in meta
    assert folder.reader(sha) == (PDF, label)
    # the label sealed for this file only: another file's label copied over it is refused
    # (the label falls back to the SHA, as for a missing one)
    other = folder.put(PDF + b"%more\n", "other.pdf")
    os.replace(tmp_path / "evidence" / f"{other}.json", tmp_path / "evidence" / f"{sha}.json")
    assert folder.label(sha) == sha
    # a file sealed under another evidence file's name is refused, named missing
    os.replace(tmp_path / "evidence" / other, tmp_path / "evidence" / sha)
    with pytest.raises(EvidenceMissing, match="another key or for another file"):
        folder.read(sha)
    # and with another key
    assert EvidenceFolder(tmp_path, key()).label(other) == other


def test_a_plain_evidence_file_of_the_previous_version_is_read_and_sealed(
        tmp_path: Path) -> None:
    plain = EvidenceFolder(tmp_path)  # the previous version: no key
    sha = plain.put(PDF, "old.pdf")
    second = plain.put(PDF + b"%2\n", "second.pdf")
    assert (tmp_path / "evidence" / sha).read_bytes() == PDF
    k = key()
    sealed = EvidenceFolder(tmp_path, k)
    assert sealed.read(sha) == PDF  # read, and on this first read re-written sealed
    assert is_sealed((tmp_path / "evidence" / sha).read_bytes())
    assert is_sealed((tmp_path / "evidence" / f"{sha}.json").read_bytes())
    assert sealed.label(sha) == "old.pdf"
    assert sealed.seal_plain() == 2  # the other file and its label, at start
    assert sealed.seal_plain() == 0
    assert sealed.reader(second) == (PDF + b"%2\n", "second.pdf")
    # a plain file whose bytes no longer match its name is refused as before
    (tmp_path / "evidence" / sha).write_bytes(PDF + b"x")
    with pytest.raises(EvidenceMissing, match="no longer match"):
        sealed.read(sha)
    assert json.loads(Vault(k).read(tmp_path / "evidence" / f"{second}.json",
                                    f"evidence-label:{second}"))["label"] == "second.pdf"
