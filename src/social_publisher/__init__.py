"""Bot Social Publisher: turns a developer's daily work into bilingual blog posts.

The pipeline (see DESIGN.md) is collect -> select -> enrich -> write -> publish;
each stage is one subpackage here and talks to the others only through the store.
"""

__version__ = "0.1.0"
