"""mindreel: weekly editions about Korean films and dramas on mental health."""

__version__ = "0.1.0"
GENERATOR_NAME = f"mindreel {__version__}"
