"""What the pipeline writes and reads back: atomic files, sample arrays, checkpoints, provenance, manifests."""
