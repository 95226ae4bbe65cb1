"""A small reader and writer for gettext .po files (polib is not a dependency of Belong)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"Not a quoted po string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    return escaped.replace("\n", "\\n")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    # Singular translations live at index 0; plural forms at 0..n-1.
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(value != "" for value in self.msgstr.values())

    @property
    def files(self) -> set[str]:
        return {reference.rsplit(":", 1)[0] for reference in self.references}

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def parse(path: Path | str) -> list[Entry]:
    """Entries in file order (the header first); obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if started and target is not None:
                finish()
            if line.startswith("#:"):
                entry.references.extend(line[2:].split())
            elif line.startswith("#,"):
                entry.flags.extend(flag.strip() for flag in line[2:].split(",") if flag.strip())
            else:
                entry.comments.append(raw)
            continue
        started = True
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}: continuation line without a keyword: {raw!r}")
            name, index = target
            value = _unquote(line)
            if name == "msgid":
                entry.msgid += value
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            elif name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            else:
                entry.msgstr[index] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            if target is not None and target[0] != "msgctxt":
                finish()
                started = True
            entry.msgctxt, target = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            if target is not None and target[0] not in ("msgctxt",):
                finish()
                started = True
            entry.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0], target = _unquote(rest), ("msgstr", 0)
        elif match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(match.group(1))
            entry.msgstr[index], target = _unquote(rest), ("msgstr", index)
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return entries


def _field(keyword: str, value: str) -> list[str]:
    if "\n" in value[:-1] or len(value) > 70:
        parts = re.findall(r"[^\n]*\n|[^\n]+$", value)
        return [f'{keyword} ""', *(f'"{_quote(part)}"' for part in parts)]
    return [f'{keyword} "{_quote(value)}"']


def format_entry(entry: Entry) -> str:
    lines = list(entry.comments)
    if entry.references:
        lines.append("#: " + " ".join(entry.references))
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.msgctxt is not None:
        lines += _field("msgctxt", entry.msgctxt)
    lines += _field("msgid", entry.msgid)
    if entry.msgid_plural is not None:
        lines += _field("msgid_plural", entry.msgid_plural)
        for index in sorted(entry.msgstr):
            lines += _field(f"msgstr[{index}]", entry.msgstr[index])
    else:
        lines += _field("msgstr", entry.msgstr.get(0, ""))
    return "\n".join(lines)


def write(path: Path | str, entries: list[Entry]) -> None:
    Path(path).write_text("\n\n".join(format_entry(entry) for entry in entries) + "\n", encoding="utf-8")
