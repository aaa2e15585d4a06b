"""Words for people: one catalogue per language, keyed by the codes of events, figures and messages."""
