"""The Qt translation files: `python -m xrewards_desk.ui.translations update|release|check`.

- update: `pyside6-lupdate` collects the UI's strings into resources/translations/*.ts;
- release: `pyside6-lrelease` compiles them into the .qm files the app loads;
- check: how many strings are unfinished or missing (a test requires none).

German translates every string; English, the source language, only gives the plural
forms of counts (lupdate's -pluralonly): "%Ln record(s)" → "1 record", "2 records"."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from xrewards_desk.ui.shell.paths import resources

LANGUAGES = ("de", "en")
SOURCES = Path(__file__).resolve().parent


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    return found


def ts_file(code: str) -> Path:
    return resources() / "translations" / f"xrewards_{code}.ts"


def sources() -> list[str]:
    return sorted(str(p) for p in SOURCES.rglob("*.py"))


def update(target: Path | None = None, code: str = "de") -> str:
    ts = target or ts_file(code)
    ts.parent.mkdir(parents=True, exist_ok=True)
    plural_only = ["-pluralonly"] if code == "en" else []
    out = subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
                          *plural_only, "-target-language", code, *sources(), "-ts",
                          str(ts)],
                         capture_output=True, text=True, check=True)
    return out.stdout + out.stderr


def release(code: str = "de") -> Path:
    ts = ts_file(code)
    qm = ts.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def unfinished(ts: Path) -> list[str]:
    """Source texts without a finished translation."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None or translation.get("type") in ("unfinished", "vanished",
                                                               "obsolete"):
            missing.append(source)
        elif message.get("numerus") == "yes":
            if not all((n.text or "").strip() for n in translation.iter("numerusform")):
                missing.append(source)
        elif not (translation.text or "").strip():
            missing.append(source)
    return missing


def check(code: str = "de") -> list[str]:
    """Run lupdate on a copy of the committed file: strings the code has that the file does
    not translate yet are reported, as are unfinished ones."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / ts_file(code).name
        shutil.copy(ts_file(code), copy)
        update(copy, code)
        return unfinished(copy)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "check"
    failed = 0
    for code in LANGUAGES:
        if what == "update":
            print(update(code=code))
        elif what == "release":
            print(release(code))
        else:
            missing = check(code)
            for text in missing:
                print(f"{code}: unfinished: {text}")
            print(f"{code}: {len(missing)} unfinished")
            failed = failed or bool(missing)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
