"""Leaf helpers shared by every Cramp Coach package: data directory and setting validators."""
