"""Per-speaker fine-tuning for persona simulation (the paper's "w/ fine-tune" rows of tables 2 and 8).

`export` writes each speaker's training data from the train conversation C_a with the persona solver's own
prompts; `openai_jobs` runs hosted fine-tuning jobs, `local_lora` trains a LoRA adapter locally; both record
speaker -> Inspect model name in a file (`speaker_models`) that `persona_simulation -T speaker_models=FILE`
reads. Heavy dependencies (datasets, peft, openai) are imported by the functions that need them.
"""
