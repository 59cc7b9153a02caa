"""`realtalk report`: paper-style tables, plots and cost from Inspect logs of any mix of the suite's tasks."""
