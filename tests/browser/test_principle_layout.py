"""Principle pages in a real browser: the one-line summary is the first thing under
the title, and the bad and good replies stand side by side on a wide screen and
one above the other on a phone (theme.css, issue 11)."""
import pytest

SLUG = "own-it"

BOXES = """els => els.map(e => {
  const r = e.getBoundingClientRect();
  return {kind: e.classList.contains('reply--good') ? 'good' : 'bad',
          left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};
})"""


def reply_boxes(page):
    boxes = page.eval_on_selector_all(".reply-pair > .reply", BOXES)
    assert [b["kind"] for b in boxes] == ["bad", "good"], boxes
    return boxes


def test_summary_is_the_first_paragraph_under_the_title(page, server):
    page.goto(server.url + f"{SLUG}/")
    after_title = page.eval_on_selector("article h1", "h => h.nextElementSibling.outerHTML")
    assert after_title.startswith('<p class="summary">'), after_title
    # Set apart from the body text: larger type and a rule on its starting side.
    style = page.eval_on_selector(
        "p.summary", "p => [getComputedStyle(p).fontSize, getComputedStyle(p).borderInlineStartWidth,"
                     " getComputedStyle(p.nextElementSibling).fontSize]")
    assert float(style[0][:-2]) > float(style[2][:-2]) and style[1] != "0px", style


def test_replies_side_by_side_on_a_wide_screen(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + f"{SLUG}/")
    bad, good = reply_boxes(page)
    assert abs(bad["top"] - good["top"]) < 1, (bad, good)
    assert bad["right"] <= good["left"], (bad, good)


@pytest.mark.parametrize("width", [390, 600])
def test_replies_stacked_on_a_phone(page, server, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(server.url + f"{SLUG}/")
    bad, good = reply_boxes(page)
    assert good["top"] >= bad["bottom"], (bad, good)
    assert abs(bad["width"] - good["width"]) < 1 and bad["width"] > width * 0.8, (bad, good)
