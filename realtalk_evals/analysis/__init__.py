"""The paper's dataset analysis (sections 4.2-5.3): speaker-level EI of REALTALK against LoCoMo.

`samples` builds the `ei_analysis` task's samples (one per message); `logs` reads the labels back from its
Inspect logs; `build` writes table 7 (Markdown and CSV), figures 2/6 and 3 (PNG) from them. The modules load
lazily: importing this package pulls in neither matplotlib nor the datasets.
"""
