"""The review queue: the most probable first, ties in arrival order, bounded, ids masked."""
from __future__ import annotations

from kefulint.model.review import Entry, ReviewQueue, masked


def _entry(p: float, n: int) -> Entry:
    return Entry(p, "contact.qq", (("qq", 1.0),), f"消息{n}", {"line": n})


def test_most_probable_first_ties_in_arrival_order_and_bounded():
    queue = ReviewQueue(3)
    for n, p in enumerate([0.6, 0.9, 0.6, 0.7, 0.6, 0.9]):
        queue.offer(_entry(p, n))
    assert [e.where["line"] for e in queue.entries()] == [1, 5, 3]
    assert queue.offered == 6
    again = ReviewQueue(3)
    for n, p in enumerate([0.6, 0.9, 0.6, 0.7, 0.6, 0.9]):
        again.offer(_entry(p, n))
    assert again.to_list() == queue.to_list()


def test_equal_probabilities_keep_the_first_ones():
    queue = ReviewQueue(2)
    for n in range(5):
        queue.offer(_entry(0.5, n))
    assert [e.where["line"] for e in queue.entries()] == [0, 1]


def test_ids_are_masked_unless_shown():
    assert masked("加我 abc_12345 或 13800138000，满199减30") == "加我 ab*_***45 或 138****8000，满199减30"
    queue = ReviewQueue(1)
    queue.offer(Entry(0.9, "contact.qq", (), "Q 5738201946", {}))
    assert queue.to_list()[0]["text"] == "Q 57******46"
    assert queue.to_list(show_matches=True)[0]["text"] == "Q 5738201946"
