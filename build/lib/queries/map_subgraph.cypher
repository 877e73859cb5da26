// The nodes of a map with their outgoing relationships: the caller keeps the relationships
// whose end is also on the map. `branch` is an organisation's administrative branch,
// `group` the priority group that sets a goal (for colours and links).
// params: ids
// columns: id (element id), label, properties, branch (id or null), group (id or null),
//          out (list of {type, to (element id), properties})
MATCH (n) WHERE elementId(n) IN $ids
RETURN elementId(n) AS id, head(labels(n)) AS label, properties(n) AS properties,
  COLLECT { MATCH (n)-[:BELONGS_TO]->(b:AdministrativeBranch) RETURN b.id LIMIT 1 }[0] AS branch,
  COLLECT { MATCH (n)<-[:SETS]-(g:PriorityGroup) RETURN g.id LIMIT 1 }[0] AS group,
  COLLECT {
    MATCH (n)-[r]->(m)
    RETURN {type: type(r), to: elementId(m), properties: properties(r)} AS rel
  } AS out
ORDER BY label, properties.id
