"""The written report: a run's results read, its claims judged, its answers worded, the document built."""
