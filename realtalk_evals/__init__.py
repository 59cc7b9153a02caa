"""REALTALK benchmarks for Inspect: dataset, prompts and rendering shared by the tasks."""
