"""The local models a task runs besides the model under test (EI classifiers, BERTScore's encoder, the dense
retriever's encoder): their settings, offline checks, batched inference and the persistent output cache."""
