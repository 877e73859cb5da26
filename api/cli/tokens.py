"""CLI commands of this area (registered on api.cli.common.app)."""
