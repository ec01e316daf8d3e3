"""Text in, labels out: language, topics, tone, agencies, regions, foreign wires.

Imports neither ``mediamon`` nor ``ui``.
"""
