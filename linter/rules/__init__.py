"""Rules as data: the ruleset schema (loading and validation), the Rule model, resolving the rules
a Settings enables, the on-disk cache of resolved rules, platforms and categories."""
