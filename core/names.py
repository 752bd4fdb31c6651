"""Names as printed on the civil ID, and short free text: what may be stored and shown.

A name is stored in Unicode normal form C with its spaces collapsed, at most ``NAME_MAX_LENGTH``
characters. It may hold letters of its own script (Arabic for the Arabic name, Latin for the
Latin one), that script's combining marks (at most ``MAX_MARKS_IN_A_ROW`` on one letter: Arabic
vowel signs stack, a name does not carry thousands), spaces, hyphens and apostrophes (and dots
in Latin names, "Mohd."). Never control or format characters: a right-to-left override would
make a receipt or an officer's screen show another name than the one stored; a zero-width name
would look empty. Free text (a reason, a note, a token's name) may hold any printable character
of any script, but no control or format characters either.
"""

from __future__ import annotations

import enum
import unicodedata

NAME_MAX_LENGTH = 100
MAX_MARKS_IN_A_ROW = 3
# Categories never stored: controls, format characters (bidi overrides, zero-width joiners and
# spaces, the BOM), surrogates, private use, unassigned, line and paragraph separators.
_FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_PUNCTUATION = {"arabic": frozenset(" -'’"), "latin": frozenset(" -'’.")}


class Script(enum.StrEnum):
    ARABIC = "arabic"
    LATIN = "latin"


class NameProblem(enum.StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    FORBIDDEN_CHARACTER = "forbidden_character"
    WRONG_SCRIPT = "wrong_script"


def normalize_text(value: str) -> str:
    """NFC, every run of spaces (of any kind) one ASCII space, no leading or trailing space.
    Other whitespace (a newline, a tab) is a control character and stays, to be refused."""
    text = unicodedata.normalize("NFC", value or "")
    spaced = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
    return " ".join(part for part in spaced.split(" ") if part)


def _in_script(char: str, script: Script) -> bool:
    name = unicodedata.name(char, "")
    if script == Script.ARABIC:
        return name.startswith("ARABIC")
    return name.startswith("LATIN") or (
        unicodedata.category(char).startswith("M") and "\u0300" <= char <= "\u036f"
    )


def name_problem(value: str, script: Script) -> NameProblem | None:
    """What is wrong with a name (already normalized), or None."""
    if not value:
        return NameProblem.REQUIRED
    if len(value) > NAME_MAX_LENGTH:
        return NameProblem.TOO_LONG
    if any(unicodedata.category(c) in _FORBIDDEN for c in value):
        return NameProblem.FORBIDDEN_CHARACTER
    marks = letters = 0
    for char in value:
        category = unicodedata.category(char)
        if char in _PUNCTUATION[script]:
            marks = 0
            continue
        if not _in_script(char, script) or category[0] not in "LM":
            return NameProblem.WRONG_SCRIPT
        if category[0] == "M":
            marks += 1
            if marks > MAX_MARKS_IN_A_ROW or letters == 0:
                return NameProblem.FORBIDDEN_CHARACTER
        else:
            marks, letters = 0, letters + 1
    return None if letters else NameProblem.WRONG_SCRIPT


def free_text(value: str, max_length: int) -> str | None:
    """A short free text as stored (normalized), or None when it cannot be: too long, or with
    control or format characters. Empty is allowed."""
    text = normalize_text(value)
    if len(text) > max_length or any(unicodedata.category(c) in _FORBIDDEN for c in text):
        return None
    return text
