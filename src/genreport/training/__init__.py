"""Training: the loop shared by every model, its resumable state and its learning-rate schedules."""
