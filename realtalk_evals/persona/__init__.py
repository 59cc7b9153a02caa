"""Persona simulation (paper section 6.1) and conversation simulation: samples, style statistics, speaker models."""
