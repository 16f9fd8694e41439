from datetime import UTC, datetime

from extractors.plaintext import parse_plain_text


def test_headline_followed_by_blank_line_is_the_title() -> None:
    parsed = parse_plain_text("Kremlin Rejects Talks\n\nFirst paragraph.\n\nSecond paragraph.\n")
    assert parsed.title == "Kremlin Rejects Talks"
    assert parsed.lines == ("First paragraph.", "Second paragraph.")


def test_no_title_is_invented_for_a_sentence_first_line() -> None:
    parsed = parse_plain_text("The summit was cancelled on Friday.\nA second line.\n")
    assert parsed.title is None
    assert parsed.lines[0] == "The summit was cancelled on Friday."


def test_short_first_line_without_blank_line_after_is_not_a_title() -> None:
    parsed = parse_plain_text("Fury over a missed chance\nThe text goes on here.\n")
    assert parsed.title is None
    assert parsed.lines == ("Fury over a missed chance", "The text goes on here.")


def test_date_marker_is_the_date_and_not_part_of_the_title() -> None:
    parsed = parse_plain_text(" date 2025-06-05 No Talks With Terrorists\n\nBody text here.\n")
    assert parsed.published_at == datetime(2025, 6, 5, tzinfo=UTC)
    assert parsed.title == "No Talks With Terrorists"
    assert parsed.lines == ("Body text here.",)


def test_invalid_date_marker_stays_text() -> None:
    parsed = parse_plain_text("date 2025-13-45 happened\nMore.\n")
    assert parsed.published_at is None
    assert parsed.lines[0] == "date 2025-13-45 happened"


def test_whitespace_tabs_and_blank_runs_are_dropped() -> None:
    parsed = parse_plain_text("Title Here\n\n  A  line\twith   gaps.  \n\n\n\n\t\t\n \nLast.\r\n")
    assert parsed.lines == ("A line with gaps.", "Last.")


def test_headline_ending_with_period_is_not_a_title() -> None:
    parsed = parse_plain_text("This is a sentence.\n\nBody.\n")
    assert parsed.title is None
