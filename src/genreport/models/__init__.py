"""The three networks; each module holds one model and nothing about training."""
