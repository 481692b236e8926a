"""Natural order of codes: A2 before A10, case ignored, everywhere.

`natural_key` sorts in memory; `stored_sort_key` is the same order as a plain string, kept
in a column (Activity.sort_key) so the database orders lists the same way on PostgreSQL and
SQLite, whatever the database's collation: the key holds only the characters 0-9 and a-f.
"""

import re

_PARTS = re.compile(r"(\d+)")
# A digit run is written with this many digits; a longer run (never in a 20-character code)
# keeps its own length and still sorts after every shorter number.
NUMBER_WIDTH = 20
SORT_KEY_LENGTH = 500


def natural_key(code) -> tuple:
    """A2 before A10: digits compare as numbers, the rest by character without case."""
    parts = _PARTS.split(code or "")
    return tuple(int(part) if index % 2 else part.casefold() for index, part in enumerate(parts))


def stored_sort_key(code) -> str:
    """`natural_key` as a string that compares the same way, character by character.

    Text: every character as "1" and six hex digits of its code point, then "0" to end the
    text (so "a" sorts before "ab"); a number: its value in NUMBER_WIDTH digits.
    """
    out = []
    for index, part in enumerate(_PARTS.split(code or "")):
        if index % 2:
            number = str(int(part))
            out.append(number.rjust(NUMBER_WIDTH, "0"))
        else:
            out.extend(f"1{ord(char):06x}" for char in part.casefold())
            out.append("0")
    return "".join(out)[:SORT_KEY_LENGTH]
