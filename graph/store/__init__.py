"""The store: loading, exporting, single-record writes, the change history and tokens."""
