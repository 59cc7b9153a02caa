"""Memory systems under test in memory probing: what part of a conversation reaches the model for a question.

`units` cuts a `Conversation` into retrievable units and renders a selection in the D.2 frame; `none`, `bm25`,
`dense`, `hybrid`, `recent`, `oracle` and `custom` choose units; `built` holds the memories a model writes
(`builder` asks it and caches its replies); `select` turns the `memory` task parameter into one `Memory` that
any dataset parsed into `Conversation` records can use; `tools` are the agent's search tools.
"""
