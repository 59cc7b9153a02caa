"""Judge calibration: candidate answers whose verdict is known without a model."""
