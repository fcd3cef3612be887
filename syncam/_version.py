"""The version, in a leaf module: modules inside the package import it from here, never from the face."""

__version__ = "0.1.0"
