"""The review model: a learned second opinion on what the rules miss.

Character n-grams of the normalized reply (:mod:`.features`), one logistic regression per
category, shipped as a small weights file read with the standard library (:mod:`.weights`);
its verdicts become ``model.<category>`` findings of severity info (:mod:`.findings`) and feed
the review queue of a scan (:mod:`.review`). Training (:mod:`.training`) needs scikit-learn,
which only the ``dev`` extra installs. Nothing here is loaded unless the model is turned on.
"""
