"""The datasets: upstream files and checksums, typed records, the REALTALK, LoCoMo and simulated loaders, statistics."""
