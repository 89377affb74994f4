"""The textbook's build-time content: figures, computed numbers and manifest-driven text.

Pages never type a number the code computes, nor a stage title or hint the manifest holds:
they include fragments that `generate()` writes from the reference solutions and course.toml.
`mkdocs.yml` runs it through a hook (`mkdocs_hook.py`); `python -m mapcourse.site generate`
writes the same files for a builder that runs no hooks.
"""

from mapcourse.site.pipeline import build, generate

__all__ = ["build", "generate"]
