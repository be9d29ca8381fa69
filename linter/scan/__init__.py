"""``kefulint scan``: chat-log readers and fields, conversations judged as a whole, the streaming
pipeline, the summary per agent and the ``[scan]`` config section."""
