"""The only code that reads logs back: `realtalk report` (paper tables 2, 3 and 8, runs, memory systems, judges)
and `realtalk analysis` (table 7, figures 2/3/6, the human-likeness gap), with the paper's numbers in one home."""
