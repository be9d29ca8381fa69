"""Text before any rule: normalization with its offset map, number runs, the per-message view,
jieba word boundaries and masking of personal data."""
