"""Property-based (hypothesis) fuzz tests of the data layer: wire JSON -> domain -> store -> export."""
