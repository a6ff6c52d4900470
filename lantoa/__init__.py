"""Lan Tỏa — trade-union communications platform."""
