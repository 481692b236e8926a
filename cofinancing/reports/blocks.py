"""The two-year blocks in which a scheme's period is planned (docs/rules.md §22): its years
in pairs from the first, so 2025–2028 gives 2025–2026 and 2027–2028; an odd last year is a
block of its own."""

from dataclasses import dataclass

from sterk.sorting import natural_key

__all__ = ["Block", "find_block", "natural_key", "scheme_blocks"]

BLOCK_YEARS = 2


@dataclass(frozen=True)
class Block:
    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def slug(self) -> str:
        """'2025-2026', as in the download's address and file name."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def label(self) -> str:
        """'2025–2026', as printed."""
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    def __str__(self) -> str:
        return self.label


def scheme_blocks(scheme) -> list[Block]:
    years = scheme.years
    return [
        Block(chunk[0], chunk[-1])
        for chunk in (years[i : i + BLOCK_YEARS] for i in range(0, len(years), BLOCK_YEARS))
    ]


def find_block(scheme, slug: str) -> Block | None:
    return next((block for block in scheme_blocks(scheme) if block.slug == slug), None)
