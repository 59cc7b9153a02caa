"""Memory probing (paper section 6.2): samples, the D.2 context, LoCoMo's protocol, evidence, and the memory systems.

`samples` builds one sample per question; `context` renders a conversation as D.2 prompt text; `locomo_protocol`
adds what LoCoMo's released QA code adds; `evidence` locates a question's evidence turns; `systems/` holds the
memory systems that decide what part of a conversation reaches the model.
"""
