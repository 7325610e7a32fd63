"""Articulated-object data: procedural generator, PartNet-Mobility reader, benchmark split."""
