"""The paper's dataset analysis (sections 4.2-5.3): one sample per message of REALTALK, LoCoMo or a simulated chat."""
