"""What the CLI prints is the data as it is: rich's emoji codes never rewrite a device's MAC or name."""

from __future__ import annotations

import io

from covered.cli import output


def test_a_mac_with_an_emoji_code_in_it_prints_unchanged() -> None:
    buffer = io.StringIO()
    with output.out.capture() as captured:
        output.out.print("3C:CD:5D:00:cd:01 :smile:")
    buffer.write(captured.get())
    assert buffer.getvalue().strip() == "3C:CD:5D:00:cd:01 :smile:"
