"""Where the graph lives: opening the driver, and the managed local Neo4j server."""
