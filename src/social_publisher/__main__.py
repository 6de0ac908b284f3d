"""`python -m social_publisher` runs the CLI."""

from social_publisher.cli import main

main()
