"""Builds linter/data/surname_words.txt: the everyday words that start with a common surname
character (黄色, 周末, 范围, 武汉, 程序 ...), so the person_name detector can tell 的黄先生 / 的王芳
from 的黄色 / 的周末 with a set lookup instead of a segmenter. Source: jieba's dictionary (the words
of two or three characters with a frequency of at least MIN_FREQ); the surnames are the shared
vocabulary's @surname class. Run again after changing that class:

    python scripts/build_surname_words.py
"""
from __future__ import annotations

import os
import sys

MIN_FREQ = 100
# everyday words the dictionary lacks or rates lower, seen after 的/是 in shop replies
EXTRA = ("史上", "钟点", "雷同", "龙头", "毛重", "孔位", "汤底", "严选", "宋体", "潘通")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    sys.path.insert(0, ROOT)
    import jieba
    from kefulint.rules.schema import shared_vocabulary

    surnames = set(shared_vocabulary().words("surname", lambda *_: ""))
    dict_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words = set()
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split()
            if 2 <= len(word) <= 3 and word[0] in surnames and int(freq) >= MIN_FREQ:
                words.add(word)
    words.update(EXTRA)
    out = os.path.join(ROOT, "linter", "data", "surname_words.txt")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(f"# built by scripts/build_surname_words.py from jieba's dictionary (frequency >= {MIN_FREQ})\n")
        fh.writelines(w + "\n" for w in sorted(words))
    print(f"{len(words)} words -> linter/data/surname_words.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
