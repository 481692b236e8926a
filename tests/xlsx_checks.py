def assert_defused(sheet, text: str) -> None:
    """The exported cell holds `text` exactly, as plain text with Excel's quote prefix."""
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert cells, f"{text!r} is not in the sheet unchanged"
    for cell in cells:
        assert cell.data_type == "s", f"{text!r} is stored as {cell.data_type}, not text"
        assert cell.quotePrefix, f"{text!r} has no quote prefix"
