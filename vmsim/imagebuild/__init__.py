"""Real Dockerfiles read into layers: sizes, digests, the build cache, and what a push and a pull move."""
