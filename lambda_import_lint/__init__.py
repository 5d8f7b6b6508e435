"""lambda-import-lint: find heavy imports that slow AWS Lambda cold starts."""

__version__ = "0.1.0"
