"""Asking a grader model: one judge with a repair turn, panels of judges, and the memory judge's prompt."""
