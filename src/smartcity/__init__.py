"""The open-source digital platform of a smart city."""

__version__ = "0.1.0"
