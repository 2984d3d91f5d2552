"""Errors the pipeline reports to the user as one line, without a traceback."""


class PipelineError(Exception):
    """A problem the user can fix; its message says what was wrong and what to do."""


class DataError(PipelineError):
    """An MNIST file is missing, truncated, corrupt or has the wrong checksum."""


class ConfigError(PipelineError):
    """A preset or setting is unknown or has the wrong value."""


class CheckpointError(PipelineError):
    """A checkpoint is missing, unsafe or does not match the model asked for."""


class TrainingError(PipelineError):
    """Training diverged (a loss became NaN or infinite)."""


class TrainingInterrupted(PipelineError):
    """Training was stopped by a signal; its state was saved for the next run to resume."""


class OutputWriteError(PipelineError):
    """An output file could not be written: disk full, no permission, read-only file system."""


class ResultFileError(PipelineError):
    """A file an earlier step wrote is missing, truncated or does not hold what it should."""


class SampleFileError(ResultFileError):
    """A sample array file (.npz) is missing, unsafe, or not uint8 images [N, 28, 28] with their metadata."""
